/*
 * Orden de fichas (templates/reporting/review/orden.html): arrastrar y soltar renumera los
 * campos de posición; los campos numéricos siguen siendo la alternativa de teclado.
 */
(function () {
  "use strict";
  var list = document.getElementById("orden-lista");
  if (!list) return;
  var dragged = null;

  function renumber() {
    list.querySelectorAll("li").forEach(function (li, i) {
      li.querySelector(".position-input").value = i + 1;
    });
  }

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.ficha);
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("li");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    renumber();
  });
})();
