// Downloads under each chart (dashboard/components.py: graph), made in the browser so they work offline.
// Every file says what it holds: the chart (indicator), its unit, its source line (publisher and dataset,
// release, licence: the chart's caption `<chart>-source`), the page it came from and the day.
// - "Download PNG" / "Download SVG": plotly.js draws the chart again with a footer inside the image (source,
//   licence, unit, page, day); the modebar's own camera is removed (its PNG had no source). A chart drawn as
//   SVG on the server (dashboard/sparkline.py) is saved with the same footer added to the SVG;
// - "Download CSV": the rows of the chart's data table, exactly as shown on screen, after a metadata block
//   of "# key,value" lines. A spreadsheet opens it as two columns of text above the table; pandas
//   (`read_csv(path, comment="#")`) and R (`read.csv(path, comment.char = "#")`) skip it.
(function () {
  function plotOf(graphId) {
    var box = document.getElementById(graphId);
    return box && (box.classList.contains("js-plotly-plot") ? box : box.querySelector(".js-plotly-plot"));
  }
  function clean(text) {
    return String(text || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  }
  function titleText(title) {
    return clean(title && typeof title === "object" ? title.text : title);
  }
  // What the chart is: indicator (chart title), unit, source line, page and day.
  function describe(name) {
    var plot = plotOf(name), box = document.getElementById(name);
    var section = box && box.closest("section");
    var heading = section && section.querySelector("h2.chart-title");
    var drawing = box && box.querySelector("svg");
    var meta = (plot && plot.layout && plot.layout.meta) || {};
    var chart = clean(meta.indicator) || (plot && plot.layout && titleText(plot.layout.title)) ||
      (heading && clean(heading.textContent)) || (drawing && clean(drawing.getAttribute("aria-label"))) || name;
    var unit = clean(meta.unit);
    if (!unit && plot && plot.layout && plot.layout.yaxis) unit = titleText(plot.layout.yaxis.title);
    if (!unit && plot && plot.data && plot.data[0] && plot.data[0].colorbar) unit = titleText(plot.data[0].colorbar.title);
    var caption = document.getElementById(name + "-source");
    return {
      chart: chart,
      unit: unit,
      source: clean(caption && caption.textContent) || "Source: see the page",
      page: window.location.href,
      day: new Date().toISOString().slice(0, 10)
    };
  }
  function csvField(text) {
    text = text.replace(/\s+/g, " ").trim();
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function metadataCsv(about) {
    var rows = [["Chart", about.chart]];
    if (about.unit) rows.push(["Unit", about.unit]);
    rows.push(["Source", about.source], ["Page", about.page], ["Downloaded", about.day],
      ["Format", "Lines starting with # are metadata; the table follows (values as shown on screen)"]);
    return rows.map(function (row) { return "# " + row[0] + "," + csvField(row[1]); }).join("\r\n") + "\r\n";
  }
  function tableCsv(table) {
    return Array.prototype.map.call(table.querySelectorAll("tr"), function (row) {
      return Array.prototype.map.call(row.querySelectorAll("th, td"), function (cell) {
        return csvField(cell.textContent);
      }).join(",");
    }).join("\r\n") + "\r\n";
  }
  // The footer's lines, wrapped to the image's width (annotations do not wrap themselves).
  function footerLines(about, width, withTitle) {
    var parts = (withTitle ? [about.chart] : []).concat(
      [about.source], about.unit ? ["Unit: " + about.unit] : [], [about.page + " · downloaded " + about.day]);
    var room = Math.max(40, Math.floor((width - 20) / 5.8)), lines = [];
    parts.forEach(function (part) {
      var line = "";
      part.split(" ").forEach(function (word) {
        if (line && (line + " " + word).length > room) { lines.push(line); line = word; }
        else line = line ? line + " " + word : word;
      });
      if (line) lines.push(line);
    });
    return lines;
  }
  var LINE_PX = 14;
  function exportPlot(plot, name, format) {
    var full = plot._fullLayout, about = describe(name);
    var width = full.width, lines = footerLines(about, width, false);
    var extra = LINE_PX * lines.length + 12, bottom = full._size.b;
    var layout = JSON.parse(JSON.stringify(plot.layout));
    layout.width = width;
    layout.height = full.height + extra;
    layout.margin = Object.assign({}, layout.margin || {}, { l: full._size.l, r: full._size.r, t: full._size.t,
      b: bottom + extra, autoexpand: false });
    layout.annotations = (layout.annotations || []).concat([{
      text: lines.map(function (line) { return line.replace(/&/g, "&amp;").replace(/</g, "&lt;"); }).join("<br>"),
      xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top", yshift: -bottom - 4,
      align: "left", showarrow: false, font: { size: 10, color: "#333333" }, name: "export-footer"
    }]);
    var figure = { data: JSON.parse(JSON.stringify(plot.data)), layout: layout,
      config: { topojsonURL: plot._context.topojsonURL } };
    return window.Plotly.downloadImage(figure, {
      format: format, filename: name, width: width, height: layout.height, scale: format === "png" ? 2 : 1
    });
  }
  function exportDrawing(drawing, name) {
    var about = describe(name), copy = drawing.cloneNode(true);
    var box = (drawing.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
    var width = box.length === 4 ? box[2] : drawing.getBoundingClientRect().width;
    var height = box.length === 4 ? box[3] : drawing.getBoundingClientRect().height;
    var lines = footerLines(about, width, true), extra = 13 * lines.length + 8, ns = "http://www.w3.org/2000/svg";
    var footer = document.createElementNS(ns, "text");
    footer.setAttribute("font-size", "10");
    footer.setAttribute("fill", "#333333");
    footer.setAttribute("class", "export-footer");
    lines.forEach(function (line, index) {
      var span = document.createElementNS(ns, "tspan");
      span.setAttribute("x", "4");
      span.setAttribute("y", String(height + 14 + 13 * index));
      span.textContent = line;
      footer.appendChild(span);
    });
    copy.appendChild(footer);
    copy.setAttribute("viewBox", "0 0 " + width + " " + (height + extra));
    copy.setAttribute("width", String(width));
    copy.setAttribute("height", String(height + extra));
    save(new XMLSerializer().serializeToString(copy), name + ".svg", "image/svg+xml");
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
    var image = event.target.closest("button.svg-download[data-graph], button.png-download[data-graph]");
    if (image) {
      var name = image.getAttribute("data-graph"), plot = plotOf(name), box = document.getElementById(name);
      var format = image.classList.contains("png-download") ? "png" : "svg";
      var drawing = box && box.querySelector("svg");
      if (plot && window.Plotly) exportPlot(plot, name, format);
      else if (!plot && drawing && format === "svg") exportDrawing(drawing, name);
      return;
    }
    var csv = event.target.closest("button.csv-download[data-table]");
    if (csv) {
      var holder = document.getElementById(csv.getAttribute("data-table"));
      var table = holder && holder.querySelector("table");
      var chart = csv.getAttribute("data-name");
      if (table) save(metadataCsv(describe(chart)) + tableCsv(table), chart + ".csv", "text/csv;charset=utf-8");
    }
  });
})();
