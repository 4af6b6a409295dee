/*
 * django-import-export's export page (templates/admin/import_export/export.html): the «Select
 * all» checkbox gets the id its label names, and its handler is attached here because the CSP
 * blocks the template's inline onchange (docs/accessibility.md §L2).
 */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("input.select-toggle").forEach(function (box) {
    box.id = "select-all-toggle";
    box.removeAttribute("onchange");
    box.addEventListener("change", function (event) {
      if (typeof window.onSelectToggleChange === "function") window.onSelectToggleChange(event);
    });
  });
});
