/* Printable ficha (templates/reporting/ficha_print.html): the «Imprimir» button opens the
 * browser's print dialog. Without JavaScript the button stays hidden; the browser's own print
 * command prints the same page. */
(function () {
  "use strict";
  var button = document.getElementById("imprimir");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
