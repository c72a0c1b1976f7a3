/* The outbox: field work saved with no signal is kept in IndexedDB and sent, once, when the signal
   returns.

   - Registers the service worker (/sw.js) and keeps a copy of the form pages for offline use.
   - On the new-visit form, a save that cannot reach the server puts the whole submission (fields,
     chosen deputies, issue rows) into the queue with an idempotency key, and the form is cleared.
   - A visible 待发送 (N) list shows what waits; it survives closing the browser (IndexedDB).
   - Sending: on page load and on the `online` event, oldest first, through the API (session + CSRF)
     with the `Idempotency-Key` header, so a resend never makes a second row (config/idempotency.py).
     A refused item stays, with the server's message; 401/403 stops and asks to log in again.
   Photos are not queued yet (docs/offline.md). */
/* global idb */
(function () {
  "use strict";
  var script = document.currentScript;
  var DB_NAME = "outbox", STORE = "items";
  var sending = false;

  function db() {
    return idb.openDB(DB_NAME, 1, {
      upgrade: function (d) { d.createObjectStore(STORE, { keyPath: "key" }).createIndex("createdAt", "createdAt"); },
    });
  }
  function all() { return db().then(function (d) { return d.getAllFromIndex(STORE, "createdAt"); }); }
  function put(item) { return db().then(function (d) { return d.put(STORE, item); }); }
  function remove(key) { return db().then(function (d) { return d.delete(STORE, key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- the 待发送 (N) list ------------------------------------------------------------------------
  var panel = document.createElement("section");
  panel.className = "outbox card";
  panel.setAttribute("data-outbox", "");
  panel.setAttribute("aria-live", "polite");
  panel.hidden = true;
  var main = document.querySelector("main.content");
  if (main) main.insertBefore(panel, main.firstChild);

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }

  function render(items, progress) {
    panel.textContent = "";
    panel.hidden = items.length === 0 && !progress;
    panel.appendChild(text("h2", "待发送 (" + items.length + ")", "outbox-title"));
    if (progress) panel.appendChild(text("p", progress, "outbox-progress"));
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("data-outbox-item", item.key);
      li.appendChild(text("span", item.label));
      if (item.error) {
        li.appendChild(text("p", "未能保存：" + item.error, "error"));
        var drop = text("button", "放弃这一条", "link");
        drop.type = "button";
        drop.addEventListener("click", function () { remove(item.key).then(refresh); });
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
    panel.appendChild(list);
    if (items.length) {
      var send = text("button", navigator.onLine ? "立即发送" : "无网络，恢复后自动发送");
      send.type = "button";
      send.disabled = !navigator.onLine;
      send.addEventListener("click", flush);
      panel.appendChild(send);
    }
  }
  function refresh(progress) { return all().then(function (items) { render(items, progress); return items; }); }

  // --- sending ------------------------------------------------------------------------------------
  function messageOf(body) {
    if (!body || typeof body !== "object") return "服务器拒绝了这条记录。";
    if (body.detail) return String(body.detail);
    return Object.keys(body).map(function (k) {
      var v = body[k];
      return Array.isArray(v) ? v.map(function (x) { return typeof x === "object" ? messageOf(x) : x; }).join("；") : messageOf(v);
    }).join("；");
  }

  function sendOne(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(), "Idempotency-Key": item.key },
      body: JSON.stringify(item.body),
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    sending = true;
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return !i.error; });
      var done = 0;
      function next() {
        if (!waiting.length) return refresh(done ? "已发送 " + done + " 条。" : "");
        var item = waiting.shift();
        render(items, "正在发送第 " + (done + 1) + " 条，共 " + (done + waiting.length + 1) + " 条…");
        return sendOne(item).then(function (response) {
          if (response.ok) { done += 1; return remove(item.key).then(function () { items = items.filter(function (i) { return i.key !== item.key; }); return next(); }); }
          if (response.status === 401 || response.status === 403) { return refresh("登录已过期：请重新登录，登录后会自动继续发送。"); }
          if (response.status >= 500 || response.status === 429) { return refresh("服务器暂时无法处理，稍后自动重试。"); }
          return response.json().catch(function () { return null; }).then(function (body) {
            item.error = messageOf(body);
            return put(item).then(next);
          });
        }, function () { return refresh("网络中断，恢复后自动继续发送。"); });
      }
      return next();
    }).finally(function () { sending = false; });
  }

  // --- queuing the visit form ---------------------------------------------------------------------
  function ints(values) { return values.filter(Boolean).map(Number); }
  function visitBody(form) {
    var fd = new FormData(form);
    var region = form.querySelector("select[name=region] option:checked");
    var issues = [];
    var total = Number(fd.get("issues-TOTAL_FORMS") || 0);
    for (var i = 0; i < total; i++) {
      var textValue = (fd.get("issues-" + i + "-text") || "").trim();
      if (textValue && !fd.get("issues-" + i + "-DELETE")) issues.push({ text: textValue, deputies: ints(fd.getAll("issues-" + i + "-deputies")) });
    }
    var count = function (name) { return Number(fd.get(name) || 0); };
    return {
      type: fd.get("type"), date: fd.get("date"), start_time: fd.get("start_time") || null,
      region: region ? region.getAttribute("data-code") : null,
      campaigns: ints(fd.getAll("campaigns")), deputies: ints(fd.getAll("deputies")),
      station: fd.get("station") ? Number(fd.get("station")) : null, group: fd.get("group") ? Number(fd.get("group")) : null,
      households_visited: count("households_visited"), enterprises_visited: count("enterprises_visited"),
      people_reached: count("people_reached"), person_times: count("person_times"),
      summary: fd.get("summary") || "", issues: issues,
    };
  }
  function visitLabel(form, body) {
    var type = form.querySelector("select[name=type] option:checked");
    var region = form.querySelector("select[name=region] option:checked");
    return [type ? type.textContent.trim() : body.type, body.date, region ? region.textContent.trim() : "", body.summary.slice(0, 20)].filter(Boolean).join(" · ");
  }

  function reachable() {
    if (!navigator.onLine) return Promise.resolve(false);
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, 5000);
    return fetch(script.getAttribute("data-ping"), { cache: "no-store", credentials: "same-origin", signal: ctrl.signal })
      .then(function () { return true; }, function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }

  var form = document.querySelector("form[data-activity-form]");
  if (form && !form.querySelector("[name=version]") && form.getAttribute("data-offline-api")) {
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      reachable().then(function (online) {
        if (online) { confirmed = true; form.requestSubmit ? form.requestSubmit() : form.submit(); return; }
        var body = visitBody(form);
        var item = { key: newKey(), url: form.getAttribute("data-offline-api"), body: body, label: visitLabel(form, body), createdAt: Date.now(), error: null };
        put(item).then(function () {
          var draft = form.getAttribute("data-draft-key");
          try { if (draft) window.localStorage.removeItem(draft); } catch (e) { /* storage off */ }
          form.reset();
          form.querySelectorAll("[data-deputy-chips]").forEach(function (c) { c.textContent = ""; });
          return refresh("无网络：已存入待发送，恢复网络后自动发送。");
        }).then(function () { window.scrollTo(0, 0); });
      });
    }, true);
  }

  // --- service worker and the pages kept for offline use ----------------------------------------
  function warm() {
    var pages = (script.getAttribute("data-warm") || "").split(" ").filter(Boolean);
    if (!navigator.onLine || !window.caches || !pages.length) return;
    caches.open(script.getAttribute("data-page-cache")).then(function (cache) {
      pages.forEach(function (url) {
        fetch(url, { credentials: "same-origin" }).then(function (r) { if (r.ok && !r.redirected) cache.put(url, r); }, function () {});
      });
    });
  }
  if ("serviceWorker" in navigator && script.getAttribute("data-sw")) {
    navigator.serviceWorker.register(script.getAttribute("data-sw"), { scope: "/" }).then(warm, function (e) { console.warn("service worker not installed:", e); });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { refresh(); });
  refresh().then(flush);
  window.deputyOutbox = { all: all, flush: flush, refresh: refresh };
})();
