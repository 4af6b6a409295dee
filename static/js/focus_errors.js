/* A page that shows an error summary: focus moves to it (keyboard and screen-reader users land
 * on it) and the title says so. Loaded by templates/base.html on every page, as a static file
 * (the CSP allows no inline script without a nonce). */
(function () {
  "use strict";
  if (window.pmmErrorsFocused) return;
  window.pmmErrorsFocused = true;
  var summary =
    document.getElementById("resumen-errores") || document.querySelector(".error-summary");
  if (!summary) return;
  if (document.title.indexOf("Error: ") !== 0) document.title = "Error: " + document.title;
  summary.focus();
})();
