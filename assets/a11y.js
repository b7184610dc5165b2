// Accessible names and tab order for Dash 4's dropdowns and sliders, which axe-core flags:
// - a dropdown's trigger button is named by its selected values only (its <label for> is ignored), and
//   sits out of the tab order behind a focusable aria-hidden <input> that forwards focus to it;
// - a slider's thumb and its number box have no name.
// - an opened dropdown puts focus on its options, from where its search box cannot be reached by keyboard.
// Each control is named by its own <label for>; the button takes the tab stop itself; an opened
// dropdown focuses its search box (type to filter, arrows to the options), as a combobox does.
(function () {
  var searchesSeen = new WeakSet();
  function set(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }
  function fix() {
    document.querySelectorAll("label[for]").forEach(function (label) {
      var control = document.getElementById(label.htmlFor);
      if (!control) return;
      if (!label.id) label.id = label.htmlFor + "--label";
      if (control.matches("button.dash-dropdown")) {
        var parts = [label.id, label.htmlFor + "-value", label.htmlFor + "-value-count"]
          .filter(function (id) { return document.getElementById(id); });
        set(control, "aria-labelledby", parts.join(" "));
        set(control, "tabindex", "0");
      }
      control.querySelectorAll(".dash-slider-thumb, input.dash-range-slider-input").forEach(function (part) {
        set(part, "aria-label", label.textContent.trim());
      });
    });
    document.querySelectorAll("input.dash-dropdown-focus-target").forEach(function (input) {
      set(input, "tabindex", "-1");
    });

  }
  // The first time focus lands on an option of a newly opened list, move it to that list's search box.
  document.addEventListener("focusin", function (event) {
    var list = event.target.closest && event.target.closest(".dash-dropdown-options");
    var popup = list && list.parentElement;
    var search = popup && popup.querySelector("input.dash-dropdown-search");
    if (search && !searchesSeen.has(search)) {
      searchesSeen.add(search);
      search.focus();
    }
  });
  new MutationObserver(fix).observe(document.documentElement,
    { subtree: true, childList: true, attributes: true, attributeFilter: ["tabindex", "aria-labelledby"] });
})();
