// The header's language switcher (dashboard/language_switcher.py) links to the open page and view in each locale.
// The server builds its links from the address the page was opened at; the view's controls then rewrite the query
// (assets/address_query.js) and links move between pages without a new layout, so each link is brought up to date
// from the address bar whenever it may be followed, copied or read out (pointer, focus, context menu).
(function () {
  function localesOf(switcher) {
    return Array.prototype.map.call(switcher.querySelectorAll("a[data-locale]"), function (link) {
      return link.getAttribute("data-locale");
    });
  }

  // "/fr/explore" → "/explore" when "fr" is one of the switcher's locales; English has no prefix.
  function ownPath(pathname, locales) {
    var first = pathname.split("/")[1];
    if (first && first !== "en" && locales.indexOf(first) !== -1) {
      return pathname.slice(first.length + 1) || "/";
    }
    return pathname;
  }

  function refresh(switcher) {
    var locales = localesOf(switcher);
    var path = ownPath(window.location.pathname, locales);
    switcher.querySelectorAll("a[data-locale]").forEach(function (link) {
      var code = link.getAttribute("data-locale");
      var prefix = code === "en" ? "" : "/" + code;
      link.setAttribute("href", (prefix && path === "/" ? prefix : prefix + path) + window.location.search);
    });
  }

  ["pointerdown", "focusin", "contextmenu", "mouseover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var switcher = event.target && event.target.closest && event.target.closest(".language-switcher");
      if (switcher) {
        refresh(switcher);
      }
    }, true);
  });
})();
