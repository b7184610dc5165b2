// "Download SVG" under each chart (dashboard/components.py: graph): plotly.js draws the SVG in the
// browser, so it works offline, like the modebar's PNG camera.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.svg-download[data-graph]");
  if (!button || !window.Plotly) return;
  var box = document.getElementById(button.getAttribute("data-graph"));
  var plot = box && (box.classList.contains("js-plotly-plot") ? box : box.querySelector(".js-plotly-plot"));
  if (plot) window.Plotly.downloadImage(plot, { format: "svg", filename: button.getAttribute("data-graph") });
});
