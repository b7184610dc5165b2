// "Copy link" buttons, delegated from the document so they work on pages drawn after load. The address is kept
// canonical by dashboard/address_query.py. navigator.clipboard needs a secure context (https or localhost);
// elsewhere the text is copied from a hidden field with execCommand, and failing that the user is told how.
// - data-copy="address" | "<element id>" (Scatter): copies the address, or that element's value or text; the
//   element named by data-status says whether it worked, in the words of data-copied / data-refused when given.
// - data-copy-field="<element id>" (Explore): also shows the address in that visible field, and where the clipboard
//   is refused selects it so that Ctrl+C copies it; the status element is the button's id with -link → -status.
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
  function say(element, text) { if (element) { element.textContent = text; } }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy], [data-copy-field]");
    if (!button) { return; }
    var url = window.location.href;
    if (button.hasAttribute("data-copy-field")) {
      var field = document.getElementById(button.getAttribute("data-copy-field"));
      var fieldStatus = document.getElementById(button.id.replace(/-link$/, "-status"));
      if (field) { field.textContent = url; }
      copy(url).then(function () { say(fieldStatus, "Link copied."); }, function () {
        if (field) { window.getSelection().selectAllChildren(field); }
        say(fieldStatus, "Select and copy the link above (Ctrl+C).");
      });
      return;
    }
    var what = button.getAttribute("data-copy");
    var source = what === "address" ? null : document.getElementById(what);
    var text = what === "address" ? url : source && ("value" in source ? source.value : source.textContent);
    var status = document.getElementById(button.getAttribute("data-status"));
    // The page gives the status texts in its language (data-copied, data-refused); English when it does not.
    copy(text || "").then(function () { say(status, button.getAttribute("data-copied") || "Link copied to the clipboard."); },
      function () {
        say(status, button.getAttribute("data-refused") || "Could not copy: select the address bar and copy it instead.");
      });
  });
})();
