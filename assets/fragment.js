// Scrolls to the address's #fragment once that element exists. Dash draws a page after the browser's own
// attempt to jump there, so a link to /about#theme-ai would otherwise open at the top; so does a dcc.Link
// within the app (it changes the address, then Dash's router fetches the page). Watches the page for a
// few seconds at most, and stops if the user scrolls first.
(function () {
  var observer = null;

  function stop() {
    if (observer) observer.disconnect();
    observer = null;
    window.removeEventListener("wheel", stop);
    window.removeEventListener("keydown", stop);
  }

  function watch() {
    stop();
    var hash = window.location.hash;
    if (!hash || hash.length < 2) return;
    var id = decodeURIComponent(hash.slice(1));
    function scrollWhenThere() {
      var target = document.getElementById(id);
      if (!target) return;
      stop();
      // After the frame that draws it, so the layout above it is in place.
      requestAnimationFrame(function () { target.scrollIntoView(); });
    }
    var mine = observer = new MutationObserver(scrollWhenThere);
    observer.observe(document, {childList: true, subtree: true});
    window.addEventListener("wheel", stop, {passive: true});
    window.addEventListener("keydown", stop);
    setTimeout(function () { if (observer === mine) stop(); }, 5000);  // not a later navigation's watch
  }

  watch();
  // A dcc.Link's client-side navigation (re-announced by dash_boundary.js); back and forward with popstate.
  window.addEventListener("ddi:navigate", watch);
  window.addEventListener("popstate", watch);
})();
