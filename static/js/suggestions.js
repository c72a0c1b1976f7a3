// Co-signer picker: filter the deputies' <select multiple> by name or pinyin initials as you type.
(function () {
  "use strict";
  var input = document.querySelector(".js-deputy-filter");
  var select = document.querySelector("select.js-deputy-picker");
  if (!input || !select) { return; }
  input.addEventListener("input", function () {
    var q = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (option) {
      var text = (option.text + " " + (option.getAttribute("data-initials") || "")).toLowerCase();
      option.hidden = q !== "" && text.indexOf(q) === -1 && !option.selected;
    });
  });
})();
