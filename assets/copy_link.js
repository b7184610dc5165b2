// "Copy link" buttons (dashboard/pages/scatter.py): a button with data-copy="address" copies the page's address
// (kept canonical by assets/address_query.js), data-copy="<element id>" that element's value or text; the
// element named by data-status says whether it worked. navigator.clipboard needs a secure context (https or
// localhost); elsewhere the text is selected in a hidden field and copied with execCommand.
(function () {
  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(field);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var what = button.getAttribute("data-copy");
    var source = what === "address" ? null : document.getElementById(what);
    var text = what === "address" ? window.location.href : source && ("value" in source ? source.value : source.textContent);
    var status = document.getElementById(button.getAttribute("data-status"));
    copy(text || "").then(function () {
      if (status) status.textContent = "Link copied to the clipboard.";
    }, function () {
      if (status) status.textContent = "Could not copy: select the address bar and copy it instead.";
    });
  });
})();
