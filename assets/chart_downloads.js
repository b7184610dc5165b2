// Downloads under each chart (dashboard/components.py: graph), made in the browser so they work offline:
// - "Download SVG": plotly.js draws the chart as SVG (the modebar's camera gives PNG); a chart drawn as
//   SVG on the server (dashboard/sparkline.py) is saved as it is;
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
  function save(text, filename, type) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }
  document.addEventListener("click", function (event) {
    var svg = event.target.closest("button.svg-download[data-graph]");
    if (svg) {
      var name = svg.getAttribute("data-graph"), plot = plotOf(name), box = document.getElementById(name);
      var drawing = box && box.querySelector("svg");
      if (plot && window.Plotly) window.Plotly.downloadImage(plot, { format: "svg", filename: name });
      else if (!plot && drawing) save(new XMLSerializer().serializeToString(drawing), name + ".svg", "image/svg+xml");
      return;
    }
    var csv = event.target.closest("button.csv-download[data-table]");
    if (csv) {
      var holder = document.getElementById(csv.getAttribute("data-table"));
      var table = holder && holder.querySelector("table");
      if (table) save(tableCsv(table), csv.getAttribute("data-name") + ".csv", "text/csv;charset=utf-8");
    }
  });
})();
