// Similar suggestions: as the deputy types (debounced) and on the triage page, ask the server for the
// most similar open and recent suggestions of the county and list them.
(function () {
  "use strict";
  var box = document.querySelector(".js-similar");
  if (!box) { return; }
  var list = box.querySelector(".similar-list");
  var timer = null;
  var latest = 0;

  function field(name) { return document.querySelector("[name='" + name + "']"); }

  function render(results) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var title = document.createElement(r.url ? "a" : "span");
      if (r.url) { title.href = r.url; }
      title.textContent = (r.number ? r.number + " " : "") + r.title;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " · " + r.region + " · " + r.status;
      li.appendChild(title);
      li.appendChild(meta);
      list.appendChild(li);
    });
    box.hidden = results.length === 0;
  }

  function lookup() {
    var url = box.getAttribute("data-url");
    if (box.getAttribute("data-watch")) {
      var params = new URLSearchParams();
      var title = field("title"), content = field("content"), region = field("region");
      var text = (title ? title.value : "") + (content ? content.value : "");
      if (text.trim().length < 6) { render([]); return; }
      params.set("title", title ? title.value : "");
      params.set("content", content ? content.value.slice(0, 2000) : "");
      if (region && region.value) { params.set("region", region.value); }
      url += "?" + params.toString();
    }
    var ticket = ++latest;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (ticket === latest) { render(data.results || []); } })
      .catch(function () { /* the list is a help, never a blocker */ });
  }

  if (box.getAttribute("data-watch")) {
    ["title", "content", "region"].forEach(function (name) {
      var input = field(name);
      if (!input) { return; }
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input", function () {
        clearTimeout(timer);
        timer = setTimeout(lookup, 500);
      });
    });
  } else {
    lookup();
  }
})();
