// Printing: plotly draws a chart at a fixed size in pixels, the width its box had on screen, so a chart drawn
// in a 1,400 px window overflowed its box on paper and was cut off at the right. Dash redraws a chart when its
// box changes size, but later (a ResizeObserver, then a 100 ms timer): too late for the printer. So when the
// print stylesheet takes effect (matchMedia("print") turns true: the browser has laid the page out for paper
// and not yet printed it; Chromium's print preview, page.pdf and print emulation all fire it), each chart is
// redrawn, synchronously, at its box's width on paper and at the height print.css gives it
// (`--print-chart-height`, in px, on the chart or a parent; print.css sets the box's height from the same
// value, so that Dash's own redraw agrees), its title made smaller if it would no longer fit. When printing ends
// each is drawn for the screen again.
(function () {
  var printing = window.matchMedia("print");
  var redrawn = [];  // [graph, the layout values changed for paper, as they were before]

  function graphs() {
    return Array.prototype.filter.call(document.querySelectorAll(".js-plotly-plot"), function (graph) {
      return graph._fullLayout && graph.getBoundingClientRect().width > 0;  // drawn, and shown
    });
  }

  function boxWidth(graph) { return Math.floor(graph.getBoundingClientRect().width); }

  // plotly never wraps a title: one wider than the chart is cut at its right edge. Its size for a chart
  // `width` px wide, from its size now (text width is proportional to font size); undefined if it fits.
  function titleSize(graph, width) {
    var title = graph.querySelector(".gtitle"), font = graph._fullLayout.title && graph._fullLayout.title.font;
    if (!title || !font || !font.size) return undefined;
    var box = title.getBoundingClientRect(), chart = graph.getBoundingClientRect();
    var room = width * (1 - (box.left - chart.left) / graph._fullLayout.width) - 4;
    return box.width > room ? Math.max(8, Math.floor(font.size * room / box.width)) : undefined;
  }

  function forPaper() {
    if (!window.Plotly) return;
    document.querySelectorAll(".page-address").forEach(function (span) { span.textContent = window.location.href; });
    graphs().forEach(function (graph) {
      var update = {width: boxWidth(graph)};
      var height = parseFloat(getComputedStyle(graph).getPropertyValue("--print-chart-height"));
      if (height > 0) update.height = height;
      var size = titleSize(graph, update.width);
      // As drawn on screen, once: a second print change before the screen's (page.pdf while print is emulated)
      // would otherwise record the paper height and leave the chart short when printing ends.
      var known = redrawn.some(function (entry) { return entry[0] === graph; });
      if (!known) redrawn.push([graph, {height: graph._fullLayout.height}]);
      // Synchronous here (no MathJax, and the map shapes are preloaded). A change of size alone is not
      // passed on to Dash; a change of title font would be, and Dash redraws the chart from its figure at
      // once (its screen height): so the title is made smaller in the drawing, for this printing only.
      window.Plotly.relayout(graph, update);
      var title = graph.querySelector(".gtitle");
      if (size && title) title.style.fontSize = size + "px";
    });
  }

  function restore(entries) {
    entries.forEach(function (entry) {
      var graph = entry[0];
      if (!graph.isConnected || !graph._fullLayout) return;
      var screen = {height: entry[1].height, width: boxWidth(graph)};
      if (graph._fullLayout.height === screen.height && graph._fullLayout.width === screen.width) return;
      window.Plotly.relayout(graph, screen);  // redraws the title as well, at its own size
    });
  }

  function forScreen() {
    var entries = redrawn.splice(0);
    restore(entries);
    // Dash's own resize (a ResizeObserver, then a 100 ms timer; later on a busy machine) can still redraw a chart
    // at the size its box had on paper after this: put back any chart it changed, a few times as it settles.
    [400, 1200, 3000].forEach(function (delay) { setTimeout(function () { restore(entries); }, delay); });
  }

  function onPrintChange(event) { if (event.matches) forPaper(); else forScreen(); }
  if (printing.addEventListener) printing.addEventListener("change", onPrintChange);
  else printing.addListener(onPrintChange);  // Safari before 14
})();
