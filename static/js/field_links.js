/*
 * Links to a field of the ficha form (the observations summary at the top of a returned ficha,
 * templates/reporting/ficha_form.html): the page shows the observation beside the field and the
 * field takes the focus, so the person corrects it at once, by keyboard or screen reader too.
 * Without JavaScript the link still jumps to the observation.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-focus-field]");
    if (!link) return;
    var field = document.getElementById(link.dataset.focusField);
    var note = document.getElementById(link.hash.slice(1));
    // A reto row may have been removed: then the first reto box left, if any.
    if (!field && note) field = note.parentElement.querySelector("textarea, input, select");
    if (!field) return;
    event.preventDefault();
    (note || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
