// A search box over a long <select> (the institution picker: thousands of places): typing
// narrows the options to those whose text holds every typed word; the chosen one stays.
(function () {
  function words(text) {
    return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  }
  document.querySelectorAll("input[data-filters]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filters"));
    var counter = document.getElementById(box.getAttribute("data-count"));
    if (!select) return;
    function apply() {
      var wanted = words(box.value);
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var text = option.text.toLocaleLowerCase();
        var match = wanted.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match && !option.selected;
        if (!option.hidden) shown += 1;
      });
      if (counter) counter.textContent = String(shown);
    }
    box.addEventListener("input", apply);
    apply();
  });
})();
