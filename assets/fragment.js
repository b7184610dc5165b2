// Scrolls to the address's #fragment once that element exists. Dash draws the page after the browser's own
// attempt to jump there, so a link to /about#theme-ai would otherwise open at the top. Watches the page
// for a few seconds at most, and stops if the user scrolls first.
(function () {
  var hash = window.location.hash;
  if (!hash || hash.length < 2) return;
  var id = decodeURIComponent(hash.slice(1));
  var observer = new MutationObserver(function () {
    var target = document.getElementById(id);
    if (!target) return;
    stop();
    // After the frame that draws it, so the layout above it is in place.
    requestAnimationFrame(function () { target.scrollIntoView(); });
  });
  function stop() {
    observer.disconnect();
    window.removeEventListener("wheel", stop);
    window.removeEventListener("keydown", stop);
  }
  observer.observe(document, {childList: true, subtree: true});
  window.addEventListener("wheel", stop, {passive: true});
  window.addEventListener("keydown", stop);
  setTimeout(stop, 5000);
})();
