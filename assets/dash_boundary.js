// The browser side of dashboard/dash_boundary.py: the one script that uses a private name of Dash's.
// dcc.Link announces its client-side navigations with Dash's private `_dashprivate_pushstate` event; it is
// re-announced here as `ddi:navigate`, which the other scripts (fragment.js) listen to.
window.addEventListener("_dashprivate_pushstate", function () {
  window.dispatchEvent(new Event("ddi:navigate"));
});
