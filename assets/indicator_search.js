// The header's indicator search (dashboard/indicator_search.py): its suggestions are fetched once, when the
// box is first focused, instead of being sent with every page. Without this script the form still works.
document.addEventListener("focusin", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.id !== "site-search-input" || input.dataset.filled) {
    return;
  }
  input.dataset.filled = "pending";
  fetch(input.dataset.options)
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((suggestions) => {
      const list = document.getElementById(input.getAttribute("list"));
      const options = suggestions.map(({ value, label }) => {
        const option = document.createElement("option");
        option.value = value;
        option.label = label;
        return option;
      });
      list.replaceChildren(...options);
      input.dataset.filled = "done";
    })
    .catch(() => { delete input.dataset.filled; }); // try again on the next focus
});
