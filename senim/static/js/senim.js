// Small behaviours every page shares, wired here because the Content-Security-Policy allows no
// inline event handlers (docs/operations.md):
//   <select data-autosubmit>            submits its form when the choice changes;
//   <select data-navigate="../{}/">      goes to the address with {} replaced by the choice.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLSelectElement)) return;
    if (field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    } else if (field.dataset.navigate) {
      window.location = field.dataset.navigate.replace("{}", encodeURIComponent(field.value));
    }
  });
})();
