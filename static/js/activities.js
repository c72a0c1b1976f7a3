// The visit form's progressive enhancements: deputy picker, issue rows, and a draft kept in the
// browser so a lost connection in a village loses nothing. Without JS the form still works: a plain
// checkbox list of deputies and a fixed number of issue rows.
(function () {
  "use strict";

  // --- clearing a draft once the server confirmed the save -------------------------------------
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { window.localStorage.removeItem(el.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
  });

  var form = document.querySelector("form[data-activity-form]");
  if (!form) { return; }

  // The words come from the page (data-text-*), already in the user's language; {name} is filled in here.
  function t(key, params) {
    var text = form.getAttribute("data-text-" + key) || "";
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    return text;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // --- deputies ---------------------------------------------------------------------------------
  var field = form.querySelector("[data-deputy-field]");
  var list = form.querySelector("[data-deputy-list]");
  var picker = form.querySelector("[data-deputy-picker]");
  var chips = form.querySelector("[data-deputy-chips]");
  var queryInput = form.querySelector("[data-deputy-query]");
  var results = form.querySelector("[data-deputy-results]");
  var searchUrl = form.getAttribute("data-deputy-search");

  function deputyBoxes() { return Array.prototype.slice.call(list.querySelectorAll("input[name=deputies]")); }
  function boxFor(id) { return list.querySelector("input[name=deputies][value='" + String(id) + "']"); }
  function nameOf(box) {
    var label = box.closest("label");
    var span = label && label.querySelector("[data-name]");
    return span ? span.textContent.trim() : (label ? label.textContent.trim() : box.value);
  }
  function ensureBox(id, name) {
    var box = boxFor(id);
    if (!box) {
      // A group member living outside the listed region: add a box so the form posts them.
      var label = el("label", { "class": "check" });
      box = el("input", { type: "checkbox", name: "deputies", value: String(id) });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("span", { "data-name": "" }, name));
      list.appendChild(label);
    }
    return box;
  }
  function attendees() {
    return deputyBoxes().filter(function (b) { return b.checked; }).map(function (b) { return { id: b.value, name: nameOf(b) }; });
  }

  function renderChips() {
    if (!chips) { return; }
    chips.textContent = "";
    var chosen = attendees();
    if (!chosen.length) { chips.appendChild(el("span", { "class": "muted" }, t("none-chosen"))); }
    chosen.forEach(function (d) {
      var chip = el("button", { type: "button", "class": "chip", "aria-label": t("remove", { name: d.name }) }, d.name + " ×");
      chip.addEventListener("click", function () { boxFor(d.id).checked = false; changed(); });
      chips.appendChild(chip);
    });
    renderIssueChips();
  }

  function changed() { renderChips(); scheduleSave(); }

  function showResults(data) {
    results.textContent = "";
    (data.groups || []).forEach(function (g) {
      var button = el("button", { type: "button", "class": "result group" }, t("add-group", { name: g.name, count: g.members.length }));
      button.addEventListener("click", function () {
        g.members.forEach(function (m) { ensureBox(m.id, m.name).checked = true; });
        queryInput.value = ""; results.textContent = ""; changed();
      });
      results.appendChild(button);
    });
    (data.deputies || []).forEach(function (d) {
      var box = boxFor(d.id);
      var chosen = box && box.checked;
      var button = el("button", { type: "button", "class": "result" + (chosen ? " chosen" : "") }, d.name + " · " + d.region + (chosen ? " ✓" : ""));
      button.addEventListener("click", function () {
        ensureBox(d.id, d.name).checked = true;
        queryInput.value = ""; results.textContent = ""; changed(); queryInput.focus();
      });
      results.appendChild(button);
    });
    if (!results.children.length) { results.appendChild(el("p", { "class": "muted" }, t("not-found"))); }
  }

  // --- the picker with no signal: the township list kept at the last online visit ------------------
  // static/js/outbox.js keeps it (names, pinyin initials, groups) with the time it was fetched.
  function age(fetchedAt) {
    var minutes = Math.round((Date.now() - fetchedAt) / 60000);
    var lang = document.documentElement.lang || "zh-hans";
    var format = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
    if (!format) { return new Date(fetchedAt).toLocaleString(); }
    if (minutes < 60) { return format.format(-minutes, "minute"); }
    if (minutes < 48 * 60) { return format.format(-Math.round(minutes / 60), "hour"); }
    return format.format(-Math.round(minutes / 1440), "day");
  }
  function searchKept(q) {
    var outbox = window.deputyOutbox;
    return (outbox ? outbox.roster() : Promise.resolve(null)).then(function (roster) {
      if (!roster) { throw new Error("no list kept"); }
      var needle = q.toLowerCase();
      var deputies = (roster.deputies || []).filter(function (d) {
        return d.name.indexOf(q) >= 0 || (d.initials || "").indexOf(needle) === 0;
      }).slice(0, 20);
      var groups = (roster.groups || []).filter(function (g) { return g.name.indexOf(q) >= 0; }).slice(0, 10);
      return { deputies: deputies, groups: groups, keptAt: roster.fetchedAt };
    });
  }
  function showKept(data) {
    showResults(data);
    results.insertBefore(el("p", { "class": "muted roster-age", "data-roster-age": "" }, t("roster-age", { age: age(data.keptAt) })), results.firstChild);
  }
  function search(q) {
    function offline() {
      return searchKept(q).then(showKept, function () { results.textContent = t("offline"); });
    }
    if (!navigator.onLine) { return offline(); }
    return window.fetch(searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok || r.redirected) { throw new Error("search unavailable"); } return r.json(); })
      .then(showResults, offline);
  }

  if (field && list && picker && searchUrl && window.fetch) {
    picker.hidden = false;
    field.classList.add("js-picker");
    var timer = null;
    queryInput.addEventListener("input", function () {
      window.clearTimeout(timer);
      var q = queryInput.value.trim();
      if (!q) { results.textContent = ""; return; }
      timer = window.setTimeout(function () { search(q); }, 200);
    });
    // Enter in the search box must not submit the whole form.
    queryInput.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    var toggle = el("button", { type: "button", "class": "link" }, t("show-all"));
    toggle.addEventListener("click", function () {
      var open = field.classList.toggle("show-list");
      toggle.textContent = open ? t("hide-all") : t("show-all");
    });
    picker.appendChild(toggle);
    list.addEventListener("change", changed);
  }

  // --- issue rows ---------------------------------------------------------------------------------
  var rows = form.querySelector("[data-issue-rows]");
  var template = form.querySelector("template[data-issue-template]");
  var addButton = form.querySelector("[data-issue-add]");
  var total = form.querySelector("input[name=issues-TOTAL_FORMS]");
  var maxForms = form.querySelector("input[name=issues-MAX_NUM_FORMS]");

  function renderIssueChips() {
    if (!rows) { return; }
    var chosen = attendees();
    rows.querySelectorAll("[data-issue-row]").forEach(function (row) {
      var select = row.querySelector("select.js-issue-deputies");
      if (!select) { return; }
      select.closest(".field").classList.add("js-issue-select");
      var box = row.querySelector(".issue-chips");
      if (!box) { box = el("div", { "class": "chips issue-chips" }); select.parentNode.insertBefore(box, select); }
      box.textContent = "";
      var ids = chosen.map(function (d) { return d.id; });
      Array.prototype.forEach.call(select.options, function (o) {
        // A deputy unticked from the attendance can no longer have heard the issue.
        if (o.selected && ids.indexOf(o.value) < 0) { o.selected = false; }
      });
      if (!chosen.length) { box.appendChild(el("span", { "class": "muted" }, t("choose-first"))); }
      chosen.forEach(function (d) {
        var option = select.querySelector("option[value='" + d.id + "']");
        if (!option) { option = el("option", { value: d.id }, d.name); select.appendChild(option); }
        var on = option.selected;
        var chip = el("button", { type: "button", "class": "chip" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false" }, d.name);
        chip.addEventListener("click", function () { option.selected = !option.selected; renderIssueChips(); scheduleSave(); });
        box.appendChild(chip);
      });
    });
  }

  function wireRow(row) {
    var remove = row.querySelector("[data-issue-remove]");
    if (!remove) { return; }
    remove.hidden = false;
    remove.addEventListener("click", function () {
      // Rows keep their index: a cleared row is skipped by the server.
      row.querySelectorAll("textarea, input[type=text]").forEach(function (i) { i.value = ""; });
      row.querySelectorAll("option").forEach(function (o) { o.selected = false; });
      row.hidden = true;
      scheduleSave();
    });
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    if (maxForms && index >= parseInt(maxForms.value, 10)) { return null; }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    wireRow(row);
    renderIssueChips();
    return row;
  }

  if (rows && template && addButton && total) {
    addButton.hidden = false;
    rows.querySelectorAll("[data-issue-row]").forEach(wireRow);
    addButton.addEventListener("click", function () {
      var row = addRow();
      if (row) { var t = row.querySelector("textarea"); if (t) { t.focus(); } }
      scheduleSave();
    });
  }

  // --- the draft ------------------------------------------------------------------------------------
  var key = form.getAttribute("data-draft-key");
  var storage = null;
  try { storage = key ? window.localStorage : null; } catch (e) { storage = null; }
  var saveTimer = null;

  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      var name = input.name;
      if (!name || name === "csrfmiddlewaretoken" || input.type === "file" || name === "version") { return; }
      if (!values[name]) { values[name] = []; }
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) { values[name].push(input.value); }
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (o) { values[name].push(o.value); });
      } else {
        values[name].push(input.value);
      }
    });
    var names = {};
    if (list) { deputyBoxes().forEach(function (b) { if (b.checked) { names[b.value] = nameOf(b); } }); }
    return { savedAt: new Date().toISOString(), values: values, deputyNames: names };
  }

  function save() {
    if (!storage) { return; }
    try { storage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* quota or private mode */ }
  }
  // Only a form the clerk touched is kept: leaving an untouched (or just queued and cleared) form
  // must not leave an empty draft that announces itself on the next visit.
  var dirty = false;
  function scheduleSave() {
    if (!storage) { return; }
    dirty = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(save, 300);
  }

  function restore(draft) {
    var values = draft.values || {};
    var wanted = parseInt((values["issues-TOTAL_FORMS"] || ["0"])[0], 10);
    if (total && template) { while (parseInt(total.value, 10) < wanted && addRow()) { /* grow to the draft's rows */ } }
    Object.keys(draft.deputyNames || {}).forEach(function (id) { if (list) { ensureBox(id, draft.deputyNames[id]); } });
    Array.prototype.forEach.call(form.elements, function (input) {
      var name = input.name;
      if (!name || !(name in values) || name === "csrfmiddlewaretoken" || input.type === "file" || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) { return; }
      var v = values[name];
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = v.indexOf(input.value) >= 0;
      } else if (input.tagName === "SELECT" && input.multiple) {
        // A large scope lists only chosen deputies: bring back options the draft remembers.
        v.forEach(function (value) {
          if (!input.querySelector("option[value='" + value + "']")) {
            input.appendChild(el("option", { value: value }, (draft.deputyNames || {})[value] || value));
          }
        });
        Array.prototype.forEach.call(input.options, function (o) { o.selected = v.indexOf(o.value) >= 0; });
      } else if (v.length) {
        input.value = v[0];
      }
    });
  }

  if (storage) {
    var notice = document.querySelector("[data-draft-notice]");
    if (form.getAttribute("data-draft-restore") === "1") {
      var raw = null;
      try { raw = storage.getItem(key); } catch (e) { raw = null; }
      if (raw) {
        try {
          restore(JSON.parse(raw));
          if (notice) { notice.hidden = false; }
        } catch (e) { storage.removeItem(key); }
      }
    }
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        storage.removeItem(key);
        window.location.href = window.location.pathname;
      });
    }
    form.addEventListener("input", scheduleSave);
    form.addEventListener("change", scheduleSave);
    // Leaving the page (or the phone locking the tab) must not lose the last keystrokes.
    window.addEventListener("pagehide", function () { if (dirty) { save(); } });
  }

  // The offline outbox (static/js/outbox.js) keeps a queued visit as this snapshot and reopens it
  // with restore, so a visit refused by the server comes back with everything the clerk entered.
  form.deputyDraft = {
    snapshot: snapshot,
    restore: function (draft) { restore(draft); renderChips(); },
    clear: function () {
      window.clearTimeout(saveTimer);
      dirty = false;
      if (storage) { storage.removeItem(key); }
      renderChips();
    },
  };

  renderChips();
})();
