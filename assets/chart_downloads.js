// Downloads under each chart (dashboard/components.py: graph), made in the browser so they work offline:
// - "Download SVG": plotly.js draws the chart as SVG (the modebar's camera gives PNG);
// - "Download CSV": the rows of the chart's data table, exactly as shown on screen.
(function () {
  function plotOf(graphId) {
    var box = document.getElementById(graphId);
    return box && (box.classList.contains("js-plotly-plot") ? box : box.querySelector(".js-plotly-plot"));
  }
  function csvField(text) {
    text = text.replace(/\s+/g, " ").trim();
    return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function tableCsv(table) {
    return Array.prototype.map.call(table.querySelectorAll("tr"), function (row) {
      return Array.prototype.map.call(row.querySelectorAll("th, td"), function (cell) {
        return csvField(cell.textContent);
      }).join(",");
    }).join("\r\n") + "\r\n";
  }
  function save(text, filename) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }
  document.addEventListener("click", function (event) {
    var svg = event.target.closest("button.svg-download[data-graph]");
    if (svg && window.Plotly) {
      var plot = plotOf(svg.getAttribute("data-graph"));
      if (plot) window.Plotly.downloadImage(plot, { format: "svg", filename: svg.getAttribute("data-graph") });
      return;
    }
    var csv = event.target.closest("button.csv-download[data-table]");
    if (csv) {
      var holder = document.getElementById(csv.getAttribute("data-table"));
      var table = holder && holder.querySelector("table");
      if (table) save(tableCsv(table), csv.getAttribute("data-name") + ".csv");
    }
  });
})();
