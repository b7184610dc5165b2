// The browser half of dashboard/staged.py: dcc.Graph and dcc.Dropdown with their heavy work staged, so
// that the page's first chart is not kept waiting.
// - StagedGraph: a page's charts are drawn one at a time, the one nearest the top of the window first,
//   each painted before the next begins (plotly draws all it is given in one long task); each keeps its
//   height while plotly loads.
// - StagedDropdown: mounts with the chosen options only (the full list makes dcc.Dropdown build a large
//   search index); the full list follows once the charts are drawn and the browser is idle, or at once when
//   the user reaches the dropdown.
(function () {
  var waiting = [];       // charts not yet handed to dcc.Graph: {id, element, release}
  var drawing = null;     // the chart being drawn now
  var whenSettled = [];   // work that waits until every chart is drawn
  var GIVE_UP_MS = 5000;  // a chart that never draws (a plotly error) does not hold up the others

  function distanceFromView(entry) {
    var box = entry.element.getBoundingClientRect();
    var inView = box.bottom > 0 && box.top < window.innerHeight;
    return inView ? box.top : window.innerHeight + Math.abs(box.top);
  }

  function drawn(entry) {
    var element = document.getElementById(entry.id);
    return element !== null && element.querySelector(".main-svg") !== null;
  }

  function whenIdle(work) {
    if (window.requestIdleCallback) window.requestIdleCallback(work, {timeout: 2000});
    else setTimeout(work, 200);
  }

  function drawNext() {
    if (drawing !== null) return;
    if (waiting.length === 0) {
      whenSettled.splice(0).forEach(whenIdle);
      return;
    }
    waiting.sort(function (a, b) { return distanceFromView(a) - distanceFromView(b); });
    drawing = waiting.shift();
    var entry = drawing, started = performance.now();
    entry.release();
    (function check() {
      if (drawing !== entry) return; // removed from the page meanwhile
      if (!drawn(entry) && performance.now() - started < GIVE_UP_MS) {
        requestAnimationFrame(check);
        return;
      }
      // requestAnimationFrame runs before a paint and a task queued from it after: the chart is on screen.
      requestAnimationFrame(function () {
        setTimeout(function () {
          if (drawing === entry) drawing = null;
          drawNext();
        });
      });
    })();
  }

  // After the whole render has mounted (its effects run first), so that the topmost chart goes first.
  function soon() { Promise.resolve().then(drawNext); }

  function StagedGraph(props) {
    var state = React.useState(false), released = state[0], setReleased = state[1];
    var placeholder = React.useRef(null);
    React.useEffect(function () {
      var entry = {id: props.id, element: placeholder.current, release: function () { setReleased(true); }};
      waiting.push(entry);
      soon();
      return function () {
        waiting = waiting.filter(function (other) { return other !== entry; });
        if (drawing === entry) {
          drawing = null;
          soon();
        }
      };
    }, []);
    var layout = (props.figure && props.figure.layout) || {};
    // dcc.Graph draws nothing until plotly.js has loaded: the wrapper keeps the chart's height meanwhile, so
    // the text below does not jump up and back (and a map preview, drawn over this box, hides nothing).
    if (released) return React.createElement("div", {className: "staged-graph",
                                                     style: {minHeight: (layout.height || 450) + "px"}},
                                             React.createElement(window.dash_core_components.Graph, props));
    return React.createElement("div", {
      id: props.id,
      ref: placeholder,
      className: "dash-graph dash-graph--pending " + (props.className || ""),
      style: Object.assign({height: (layout.height || 450) + "px"}, props.style),
    });
  }

  function chosenOnly(options, value) {
    var chosen = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
    return options.filter(function (option) {
      return chosen.indexOf(option !== null && typeof option === "object" ? option.value : option) !== -1;
    });
  }

  function StagedDropdown(props) {
    var state = React.useState(false), complete = state[0], setComplete = state[1];
    React.useEffect(function () {
      var mounted = true;
      whenSettled.push(function () { if (mounted) setComplete(true); });
      soon();
      return function () { mounted = false; };
    }, []);
    var reached = function () { if (!complete) setComplete(true); };
    var shown = complete || !Array.isArray(props.options) ? props
      : Object.assign({}, props, {options: chosenOnly(props.options, props.value)});
    // display: contents (style.css), so the wrapper takes no part in the layout.
    return React.createElement("div", {className: "staged-dropdown", onPointerDownCapture: reached,
                                       onFocusCapture: reached},
                               React.createElement(window.dash_core_components.Dropdown, shown));
  }

  window.ddi_components = Object.assign(window.ddi_components || {},
                                        {StagedGraph: StagedGraph, StagedDropdown: StagedDropdown});
})();
