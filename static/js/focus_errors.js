/* Move focus to a form's error summary so keyboard and screen-reader users land on it. */
(function () {
  "use strict";
  var summary = document.getElementById("resumen-errores");
  if (summary) summary.focus();
})();
