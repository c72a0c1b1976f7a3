// The printable reception schedule: a print button (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  document.querySelectorAll(".js-print").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
