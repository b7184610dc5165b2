// "Copy link" buttons (data-copy-field="<element id>"): put the address (which dashboard/address_query.py keeps
// canonical) into the visible field and on the clipboard; where the clipboard is refused, select the field's
// text so that Ctrl+C copies it. Delegated from the document, so it works on pages drawn after load.
document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-field]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy-field"));
    var status = document.getElementById(button.id.replace(/-link$/, "-status"));
    var url = window.location.href;
    var say = function (text) { if (status) { status.textContent = text; } };
    if (field) { field.textContent = url; }
    var fallback = function () {
        if (field) { window.getSelection().selectAllChildren(field); }
        say("Select and copy the link above (Ctrl+C).");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { say("Link copied."); }, fallback);
    } else {
        fallback();
    }
});
