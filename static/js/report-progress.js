// Campaign report progress: poll the report's status and update the bar; reload once it has
// finished, so the download buttons come from the server-rendered page.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;

  function show(status) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var value = status[el.dataset.field];
      if (el.tagName === "PROGRESS") {
        el.value = value;
        el.textContent = value + "%";
      } else {
        el.textContent = value === null || value === undefined ? "" : value;
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(poll, 5000); return; }
        show(status);
        if (status.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
