/*
 * Informe del Pacto Mundial para la Migración — JavaScript del sitio.
 * Se carga al final de templates/base.html, después de htmx y de Bootstrap.
 * Sin dependencias de CDN; usar solo lo que hay en static/vendor/.
 */
(function () {
  "use strict";

  // A block that htmx replaces while polling (the PDF build status, edition_edit.html) names a
  // persistent live region (data-aviso-destino) and the sentence to say (data-aviso). The
  // region is never replaced and is written only when the sentence changes, so a screen
  // reader hears «Terminado» once (a live region inserted by the swap is usually silent).
  function announceSwapped() {
    document.querySelectorAll("[data-aviso-destino]").forEach(function (el) {
      var region = document.getElementById(el.dataset.avisoDestino);
      var text = el.dataset.aviso || "";
      if (region && region.textContent.trim() !== text.trim()) region.textContent = text;
    });
  }
  document.addEventListener("htmx:afterSettle", announceSwapped);
})();
