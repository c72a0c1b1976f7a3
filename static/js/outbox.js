/* The outbox on the pages: field work saved with no signal is kept in IndexedDB and sent, once,
   when the signal returns (docs/offline.md). The store and the sender are static/js/outbox-core.js.

   - Registers the service worker (/sw.js), keeps a copy of the form pages for offline use, and the
     deputy picker's township list (names, pinyin initials, groups) with the time it was fetched.
   - The visit / reception / training form and the suggestion form (form[data-outbox-form]): a save
     that cannot reach the server puts the whole submission into the queue (fields, chosen deputies,
     issue rows, and photos resized on the phone to PHOTO_MAX_SIDE) and clears the form.
   - A visible 待发送 (N) list shows what waits; it survives closing the browser.
   - Sending: Background Sync where the browser has it (the service worker sends), otherwise on page
     load and on the `online` event; oldest first, with a progress line. A refused item stays with
     the server's message and reopens in its form (?outbox=<key>) to be fixed and resent, or is
     discarded. An expired session stops the queue and asks the clerk to log in; the page after
     login sends the rest. */
/* global DeputyOutboxCore */
(function () {
  "use strict";
  var script = document.currentScript;
  var core = window.DeputyOutboxCore;
  // The longest side the server keeps anyway (settings.UPLOAD_IMAGE_MAX_SIDE): nothing larger is worth queuing.
  var PHOTO_MAX_SIDE = 1600;
  var ROSTER_MAX_AGE_MS = 10 * 60 * 1000;
  var sending = false;
  var needsLogin = false;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }
  function button(label, onClick, cls) {
    var b = text("button", label, cls);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  // The API names a deputy it refuses by id (代表不在本辖区内：4。); the clerk knows them by name,
  // and the queued form remembers the names of the deputies it ticked.
  function readable(item, words) {
    var names = (item.snapshot && item.snapshot.deputyNames) || {};
    return String(words === undefined ? item.error : words).replace(/(代表不在本辖区内：)(\d+)/g, function (all, words, id) {
      return names[id] ? words + names[id] + "（" + id + "）" : all;
    });
  }
  function editUrl(item) { return item.formUrl + "?outbox=" + encodeURIComponent(item.key); }

  // --- the 待发送 (N) list ------------------------------------------------------------------------
  var panel = document.createElement("section");
  panel.className = "outbox card";
  panel.setAttribute("data-outbox", "");
  panel.setAttribute("aria-live", "polite");
  panel.hidden = true;
  var main = document.querySelector("main.content");
  if (main) { main.insertBefore(panel, main.firstChild); }

  function render(items, progress) {
    panel.textContent = "";
    panel.hidden = items.length === 0 && !progress;
    panel.appendChild(text("h2", "待发送 (" + items.length + ")", "outbox-title"));
    if (progress) { panel.appendChild(text("p", progress, "outbox-progress")); }
    if (needsLogin) {
      var login = text("a", "重新登录", "button primary");
      login.href = script.getAttribute("data-login") + "?next=" + encodeURIComponent(location.pathname + location.search);
      login.setAttribute("data-outbox-login", "");
      panel.appendChild(login);
    }
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-outbox-item", item.key);
      var files = (item.files || []).length;
      li.appendChild(text("span", item.label + (files ? " · " + files + (item.kind === "visit" ? " 张照片" : " 个附件") : "")));
      if (item.error) {
        li.classList.add("refused");
        li.appendChild(text("p", "未能保存：" + readable(item), "error"));
        var fix = text("a", "修改后重新发送", "button");
        fix.href = editUrl(item);
        fix.setAttribute("data-outbox-fix", "");
        li.appendChild(fix);
        li.appendChild(button("放弃这一条", function () { discard(item); }, "link"));
      }
      list.appendChild(li);
    });
    panel.appendChild(list);
    if (items.some(function (i) { return !i.error; })) {
      var send = button(navigator.onLine ? "立即发送" : "无网络，恢复后自动发送", flush);
      send.disabled = !navigator.onLine;
      panel.appendChild(send);
    }
  }
  // Progress comes fast: only the latest call draws, so an earlier, slower read never paints over it.
  var drawn = 0;
  function refresh(progress) {
    var mine = ++drawn;
    return core.all().then(function (items) { if (mine === drawn) { render(items, progress); } return items; });
  }

  function discard(item) {
    if (!window.confirm("放弃这一条？放弃后不能恢复：" + item.label)) { return; }
    core.remove(item.key).then(function () { refresh("已放弃一条。"); });
  }

  // --- sending ------------------------------------------------------------------------------------
  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return core.flush({ csrf: csrfToken(), progress: function (words) { refresh(words); } })
      .then(function (result) {
        needsLogin = result.stopped === "login";
        if (needsLogin) { return refresh("登录已过期：请重新登录，登录后会自动继续发送，已存的记录不会丢失。"); }
        return null;
      })
      .finally(function () { sending = false; });
  }

  function askForSync() {
    // Background Sync: the service worker sends the queue once the signal returns, even if the
    // page is closed by then. Without it, the page load and `online` event below do the same.
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register(core.SYNC_TAG) : null;
    }).catch(function () { /* no Background Sync here: sent on the next load or `online` */ });
  }

  // --- photos: resized on the phone before they are queued -------------------------------------
  function resized(file) {
    var resizable = /^image\/(jpeg|png|webp)$/.test(file.type) && window.createImageBitmap;
    var plain = { name: file.name, type: file.type, blob: file, width: null, height: null };
    if (!resizable) { return Promise.resolve(plain); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg") {
        plain.width = bitmap.width; plain.height = bitmap.height;
        return plain;
      }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not on black
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); }).then(function (blob) {
        if (!blob) { return plain; }
        return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", type: "image/jpeg", blob: blob, width: canvas.width, height: canvas.height };
      });
    }, function () { return plain; });
  }
  function filesOf(form, field) {
    var input = form.querySelector("input[type=file][name=" + field + "]");
    var chosen = input ? Array.prototype.slice.call(input.files || []) : [];
    return Promise.all(chosen.map(resized)).then(function (files) {
      return files.map(function (f) { f.field = field; return f; });
    });
  }

  // --- what each form sends ------------------------------------------------------------------------
  function ints(values) { return values.filter(Boolean).map(Number); }
  function optionText(form, name) {
    var o = form.querySelector("select[name=" + name + "] option:checked");
    return o && o.value ? o.textContent.trim() : "";
  }
  function regionCode(form) {
    var o = form.querySelector("select[name=region] option:checked");
    return o ? o.getAttribute("data-code") : null;
  }

  var FORMS = {
    visit: {
      files: "photos",
      body: function (form) {
        var fd = new FormData(form);
        var issues = [];
        var total = Number(fd.get("issues-TOTAL_FORMS") || 0);
        for (var i = 0; i < total; i++) {
          var words = (fd.get("issues-" + i + "-text") || "").trim();
          if (words && !fd.get("issues-" + i + "-DELETE")) { issues.push({ text: words, deputies: ints(fd.getAll("issues-" + i + "-deputies")) }); }
        }
        var count = function (name) { return Number(fd.get(name) || 0); };
        return {
          type: fd.get("type"), date: fd.get("date"), start_time: fd.get("start_time") || null, region: regionCode(form),
          campaigns: ints(fd.getAll("campaigns")), deputies: ints(fd.getAll("deputies")),
          station: fd.get("station") ? Number(fd.get("station")) : null, group: fd.get("group") ? Number(fd.get("group")) : null,
          households_visited: count("households_visited"), enterprises_visited: count("enterprises_visited"),
          people_reached: count("people_reached"), person_times: count("person_times"),
          summary: fd.get("summary") || "", issues: issues,
        };
      },
      label: function (form, body) {
        return [optionText(form, "type") || body.type, body.date, optionText(form, "region"), body.summary.slice(0, 20)].filter(Boolean).join(" · ");
      },
    },
    suggestion: {
      files: "attachments",
      body: function (form, submitter) {
        var fd = new FormData(form);
        var body = {
          title: fd.get("title") || "", content: fd.get("content") || "", region: regionCode(form),
          co_signers: ints(fd.getAll("co_signers")), campaign: fd.get("campaign") ? Number(fd.get("campaign")) : null,
          submit: !(submitter && submitter.name === "draft"),
        };
        if (fd.get("lead_deputy")) { body.lead_deputy = Number(fd.get("lead_deputy")); }
        return body;
      },
      label: function (form, body) { return ["建议", body.submit ? "提交" : "草稿", body.title.slice(0, 24)].filter(Boolean).join(" · "); },
    },
  };

  // A form as the clerk filled it, to reopen it exactly. The visit form brings its own (deputy names,
  // issue rows: static/js/activities.js); other forms are plain fields.
  function snapshotOf(form) {
    if (form.deputyDraft) { return form.deputyDraft.snapshot(); }
    var values = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.name === "csrfmiddlewaretoken" || input.type === "file" || input.type === "submit") { return; }
      values[input.name] = values[input.name] || [];
      if (input.type === "checkbox" || input.type === "radio") { if (input.checked) { values[input.name].push(input.value); } }
      else if (input.tagName === "SELECT") { Array.prototype.forEach.call(input.selectedOptions, function (o) { values[input.name].push(o.value); }); }
      else { values[input.name].push(input.value); }
    });
    return { values: values };
  }
  function restoreInto(form, snapshot) {
    if (form.deputyDraft) { form.deputyDraft.restore(snapshot); return; }
    var values = snapshot.values || {};
    Array.prototype.forEach.call(form.elements, function (input) {
      var v = values[input.name];
      if (!v || input.type === "file" || input.type === "submit") { return; }
      if (input.type === "checkbox" || input.type === "radio") { input.checked = v.indexOf(input.value) >= 0; }
      else if (input.tagName === "SELECT") { Array.prototype.forEach.call(input.options, function (o) { o.selected = v.indexOf(o.value) >= 0; }); }
      else if (v.length) { input.value = v[0]; }
    });
  }
  function clearForm(form) {
    form.reset();
    if (form.deputyDraft) { form.deputyDraft.clear(); }
    var draft = form.getAttribute("data-draft-key");
    try { if (draft) { window.localStorage.removeItem(draft); } } catch (e) { /* storage off */ }
  }

  function reachable() {
    if (!navigator.onLine) { return Promise.resolve(false); }
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, 5000);
    return fetch(script.getAttribute("data-ping"), { cache: "no-store", credentials: "same-origin", signal: ctrl.signal })
      .then(function (r) { return r.ok; }, function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }

  // --- a queued item reopened in its form (?outbox=<key>) -----------------------------------------
  function showEditing(form, item) {
    var box = document.createElement("div");
    box.className = "outbox-edit card";
    box.setAttribute("data-outbox-edit", "");
    box.setAttribute("role", "alert");
    box.appendChild(text("p", "正在修改一条待发送的记录。改好后点“保存”，有网络时立即重新发送。"));
    if (item.error) { box.appendChild(text("p", "服务器的意见：" + readable(item), "error")); }
    var list = document.createElement("ul");
    function drawFiles() {
      list.textContent = "";
      (item.files || []).forEach(function (f, index) {
        var li = text("li", "已存附件：" + f.name + (f.width ? "（" + f.width + "×" + f.height + "）" : ""));
        li.appendChild(button("移除", function () { item.files.splice(index, 1); drawFiles(); }, "link"));
        list.appendChild(li);
      });
    }
    drawFiles();
    box.appendChild(list);
    box.appendChild(button("放弃这一条", function () {
      if (!window.confirm("放弃这一条？放弃后不能恢复：" + item.label)) { return; }
      core.remove(item.key).then(function () { location.href = item.formUrl; });
    }, "link"));
    form.parentNode.insertBefore(box, form);
    return box;
  }

  // The server's refusal beside the fields it names, as the server's own form shows its errors
  // (templates/partials/field.html). What names no field stays in the box above the form.
  function wordsOf(value) {
    if (Array.isArray(value)) { return value.map(wordsOf).filter(Boolean).join("；"); }
    if (value && typeof value === "object") { return core.messageOf(value); }
    return value ? String(value) : "";
  }
  function markField(form, name, words, within) {
    var input = (within || form).querySelector("[name='" + name.replace(/'/g, "") + "']");
    var holder = input && (input.closest(".field") || input.parentNode);
    if (!holder || !words) { return false; }
    holder.classList.add("has-error");
    var p = text("p", words, "error");
    p.setAttribute("data-outbox-field-error", name);
    holder.appendChild(p);
    return true;
  }
  function showFieldErrors(form, item) {
    var errors = item.fieldErrors;
    if (!errors) { return; }
    Object.keys(errors).forEach(function (name) {
      var value = errors[name];
      if (name === "issues" && Array.isArray(value) && value.some(function (v) { return v && typeof v === "object"; })) {
        // The API numbers only the issue rows that were filled in, in their order on the form.
        var rows = Array.prototype.filter.call(form.querySelectorAll("[data-issue-row]"), function (row) {
          var words = row.querySelector("textarea[name$='-text']");
          return words && words.value.trim();
        });
        value.forEach(function (rowErrors, i) {
          if (!rowErrors || !rows[i]) { return; }
          Object.keys(rowErrors).forEach(function (field) {
            var input = rows[i].querySelector("[name$='-" + field + "']");
            if (input) { markField(form, input.name, readable(item, wordsOf(rowErrors[field])), rows[i]); }
          });
        });
        return;
      }
      markField(form, name, readable(item, wordsOf(value)));
    });
  }

  function wireForm(form) {
    var kind = form.getAttribute("data-outbox-form");
    var spec = FORMS[kind];
    if (!spec || !form.getAttribute("data-offline-api")) { return; }
    var editing = null, editBox = null, busy = false;

    var wanted = new URLSearchParams(location.search).get("outbox");
    if (wanted) {
      core.get(wanted).then(function (item) {
        if (!item) { return; }
        editing = item;
        // The queued item replaces whatever browser draft the page brought back.
        var notice = document.querySelector("[data-draft-notice]");
        if (notice) { notice.hidden = true; }
        restoreInto(form, item.snapshot || { values: {} });
        editBox = showEditing(form, item);
        showFieldErrors(form, item);
      });
    }

    // `key`: the one a failed online send already used. Its item is sent as soon as the signal
    // allows (now, if the page still thinks it is online).
    function queue(submitter, key) {
      var body = spec.body(form, submitter);
      return filesOf(form, spec.files).then(function (files) {
        var item = editing || { key: key || core.newKey(), createdAt: Date.now() };
        item.kind = kind;
        item.url = form.getAttribute("data-offline-api");
        item.formUrl = location.pathname;
        item.body = body;
        item.files = (editing ? editing.files || [] : []).concat(files);
        item.snapshot = snapshotOf(form);
        item.label = spec.label(form, body);
        item.error = null;
        item.fieldErrors = null;
        return core.put(item);
      }).then(function () {
        var wasEditing = !!editing;
        editing = null;
        if (editBox) { editBox.remove(); editBox = null; }
        form.querySelectorAll("[data-outbox-field-error]").forEach(function (p) {
          p.parentNode.classList.remove("has-error");
          p.remove();
        });
        clearForm(form);
        if (wasEditing) { history.replaceState(null, "", location.pathname); }
        askForSync();
        window.scrollTo(0, 0);
        if (wasEditing && navigator.onLine) { return refresh("已修改，正在重新发送…").then(flush); }
        if (key && navigator.onLine) { return refresh("网络中断：已存入待发送，正在重新发送…").then(flush); }
        return refresh("无网络：已存入待发送，恢复网络后自动发送。");
      });
    }

    // With signal, the page's own form endpoint saves it, sent with fetch under a fresh idempotency
    // key. A dropped connection queues the same submission under the same key: if the page had saved
    // it after all, the API answers the resend with that save (config/idempotency.py), one row.
    function post(submitter) {
      var key = core.newKey();
      var fd = new FormData(form);
      if (submitter && submitter.name) { fd.append(submitter.name, submitter.value || ""); }
      return fetch(form.getAttribute("action") || location.href, {
        method: "POST", body: fd, credentials: "same-origin",
        headers: { "Idempotency-Key": key, "X-CSRFToken": csrfToken() },
      }).then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === 0) {
          // Saved: go where the form would have redirected (the messages set by the save show there).
          return r.json().then(function (answer) { location.assign(answer.location); });
        }
        if (r.redirected) { location.assign(r.url); return null; } // e.g. an expired session's login page
        // The form back with its errors (or an error page): shown as the browser would have, except
        // that the photos already chosen stay chosen. A browser never refills a file input from a page,
        // so a clerk who mistyped one field would otherwise have to find the three photos again.
        var chosen = keptFiles(form);
        return r.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
          restoreFiles(chosen);
        });
      }, function () {
        return queue(submitter, key);
      });
    }

    function keptFiles(within) {
      var kept = [];
      within.querySelectorAll("input[type=file]").forEach(function (input) {
        if (input.name && input.files && input.files.length) { kept.push({ name: input.name, files: Array.prototype.slice.call(input.files) }); }
      });
      return kept;
    }

    function restoreFiles(kept) {
      if (!kept.length || typeof DataTransfer === "undefined") { return; }
      kept.forEach(function (entry) {
        var input = document.querySelector("form input[type=file][name='" + entry.name.replace(/'/g, "") + "']");
        if (!input || input.files.length) { return; }
        var transfer = new DataTransfer();
        entry.files.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        // The page's notice that photos must be chosen again no longer holds.
        document.querySelectorAll("[data-photos-dropped]").forEach(function (notice) { notice.hidden = true; });
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (busy) { return; }
      busy = true;
      var submitter = event.submitter || null;
      // A reopened item is always saved back to the queue: its photos live there, not in the form.
      var decided = editing ? Promise.resolve(false) : reachable();
      decided.then(function (online) { return online ? post(submitter) : queue(submitter); })
        .finally(function () { busy = false; });
    }, true);
  }

  // --- service worker, the pages and the deputy list kept for offline use ------------------------
  // The forms this user may open are fetched ahead once a sign-in and an hour, not on every page:
  // on village data a page view must not cost two more whole pages. A new sign-in (a new key) fetches
  // them again, so the kept forms carry the new session's CSRF token.
  var WARM_EVERY_MS = 60 * 60 * 1000;
  function warm() {
    var pages = (script.getAttribute("data-warm") || "").split(" ").filter(Boolean);
    if (!navigator.onLine || !window.caches || !pages.length) { return; }
    var key = script.getAttribute("data-warm-key") || "";
    var last = null;
    try { last = JSON.parse(localStorage.getItem("outbox-warm") || "null"); } catch (e) { last = null; }
    if (last && last.key === key && last.pages === pages.join(" ") && Date.now() - last.at < WARM_EVERY_MS) { return; }
    caches.open(script.getAttribute("data-page-cache")).then(function (cache) {
      return Promise.all(pages.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok || r.redirected) { throw new Error(url + " " + r.status); }
          return cache.put(url, r);
        });
      }));
    }).then(function () {
      try { localStorage.setItem("outbox-warm", JSON.stringify({ key: key, pages: pages.join(" "), at: Date.now() })); } catch (e) { /* private mode */ }
    }, function () { /* tried again on the next page */ });
  }
  function keepRoster() {
    var url = script.getAttribute("data-roster");
    if (!url || !navigator.onLine) { return Promise.resolve(); }
    return core.getMeta("roster").then(function (kept) {
      if (kept && Date.now() - kept.fetchedAt < ROSTER_MAX_AGE_MS) { return null; }
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok && !r.redirected ? r.json() : null; })
        .then(function (data) {
          if (!data) { return null; }
          data.fetchedAt = Date.now();
          return core.setMeta("roster", data);
        }, function () { return null; });
    });
  }
  if ("serviceWorker" in navigator && script.getAttribute("data-sw")) {
    navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" }).then(warm, function (e) { console.warn("service worker not installed:", e); });
    // The service worker's Background Sync reports its progress here.
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && typeof event.data.outbox === "string") { refresh(event.data.outbox); }
    });
  }

  function start() {
    document.querySelectorAll("form[data-outbox-form]").forEach(wireForm);
    // The service worker sends with the last token a page saw (the token changes at each login).
    core.setMeta("csrf", csrfToken()).catch(function () {});
    keepRoster();
    refresh().then(flush);
  }
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { refresh(); });
  // After the page's own scripts (activities.js brings the visit form's snapshot and restore).
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }

  window.deputyOutbox = {
    all: core.all, flush: flush, refresh: refresh,
    roster: function () { return core.getMeta("roster"); },
  };
})();
