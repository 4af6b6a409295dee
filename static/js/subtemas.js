/*
 * Clasificación on the review page (templates/reporting/review/ficha.html): «Subtema» offers
 * only the subtemas of the chosen «Eje temático» (docs/workflow.md §W9). Choosing a subtema
 * with no eje chosen sets its eje, as the server does. Without JavaScript every subtema stays
 * listed and the server refuses a subtema of another eje (ClassificationForm.clean).
 */
(function () {
  "use strict";
  var form = document.getElementById("form-clasificar");
  var data = document.getElementById("subtema-ejes");
  if (!form || !data) return;
  var ejeOf = JSON.parse(data.textContent); // {subtema id: eje id}
  var eje = form.elements.namedItem("eje");
  var subtema = form.elements.namedItem("subtema");
  if (!eje || !subtema) return;

  function filter() {
    var chosen = eje.value;
    Array.prototype.forEach.call(subtema.options, function (option) {
      if (!option.value) return; // the empty choice stays
      var fits = !chosen || String(ejeOf[option.value]) === chosen;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    var selected = subtema.options[subtema.selectedIndex];
    if (selected && selected.disabled) subtema.value = "";
  }

  eje.addEventListener("change", filter);
  subtema.addEventListener("change", function () {
    if (!eje.value && subtema.value && ejeOf[subtema.value] !== undefined) {
      eje.value = String(ejeOf[subtema.value]);
      filter();
    }
  });
  filter();
})();
