/* The outbox's store and sender, shared by the pages (static/js/outbox.js) and the service worker
   (static/js/sw.js, for Background Sync). No DOM here: it runs in both.

   An item is one whole submission, kept in IndexedDB until the server has it:
     { key,        the idempotency key (a UUID), also the item's id
       kind,       "visit" | "suggestion"
       url,        the API endpoint it is POSTed to
       formUrl,    the page whose form it reopens in
       body,       the JSON object the API takes
       files,      [{ field, name, type, blob, width, height }]: photos resized on the phone, attachments
       snapshot,   the form as the clerk filled it, to reopen it exactly
       label, createdAt, error (the server's message when it refused, in one line),
       fieldErrors (the API's refusal as it came, { field: [messages] }, to mark each field) }

   Sending (flush): oldest first, one at a time, under a Web Lock so a page and the service worker
   never send at once; each as multipart/form-data (the JSON in the part `data`, the files beside it)
   with `Idempotency-Key`, so a resend after a dropped connection returns the first answer instead
   of a second row (config/idempotency.py). */
/* global idb */
(function (root) {
  "use strict";
  var DB_NAME = "outbox", STORE = "items", META = "meta", LOCK = "deputy-outbox";

  function db() {
    return idb.openDB(DB_NAME, 2, {
      upgrade: function (d, oldVersion) {
        if (oldVersion < 1) { d.createObjectStore(STORE, { keyPath: "key" }).createIndex("createdAt", "createdAt"); }
        if (oldVersion < 2) { d.createObjectStore(META); }
      },
    });
  }
  function all() { return db().then(function (d) { return d.getAllFromIndex(STORE, "createdAt"); }); }
  function get(key) { return db().then(function (d) { return d.get(STORE, key); }); }
  function put(item) { return db().then(function (d) { return d.put(STORE, item); }); }
  function remove(key) { return db().then(function (d) { return d.delete(STORE, key); }); }
  function getMeta(name) { return db().then(function (d) { return d.get(META, name); }); }
  function setMeta(name, value) { return db().then(function (d) { return d.put(META, value, name); }); }

  function newKey() {
    if (root.crypto && root.crypto.randomUUID) { return root.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  // The server's refusal in one Chinese line: "字段：原因；…" as config/api.py words its errors.
  function messageOf(body) {
    if (!body || typeof body !== "object") { return "服务器拒绝了这条记录。"; }
    if (body.detail) { return String(body.detail); }
    return Object.keys(body).filter(function (k) { return k !== "code"; }).map(function (k) {
      var v = body[k];
      if (Array.isArray(v)) { return v.map(function (x) { return typeof x === "object" ? messageOf(x) : x; }).join("；"); }
      return typeof v === "object" ? messageOf(v) : String(v);
    }).join("；") || "服务器拒绝了这条记录。";
  }

  function formData(item) {
    var fd = new FormData();
    fd.append("data", JSON.stringify(item.body));
    (item.files || []).forEach(function (f) { fd.append(f.field, f.blob, f.name); });
    return fd;
  }

  function send(item, csrf) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf || "", "Idempotency-Key": item.key },
      body: formData(item),
    });
  }

  // What an answer means for the queue: "sent", "login" (session expired: stop, keep everything),
  // "later" (server busy: stop, retry later) or "refused" (keep the item with the server's message).
  function verdict(response) {
    if (response.ok) { return Promise.resolve({ outcome: "sent" }); }
    if (response.status >= 500 || response.status === 429 || response.status === 408) { return Promise.resolve({ outcome: "later" }); }
    return response.json().catch(function () { return null; }).then(function (body) {
      var code = body && body.code, detail = body && body.detail ? String(body.detail) : "";
      var login = response.status === 401 || (response.status === 403 && (code === "not_authenticated" || code === "authentication_failed" || /^CSRF/.test(detail)));
      if (login) { return { outcome: "login" }; }
      return { outcome: "refused", message: messageOf(body), fields: body && typeof body === "object" && !body.detail ? body : null };
    });
  }

  function withLock(task) {
    var locks = root.navigator && root.navigator.locks;
    return locks ? locks.request(LOCK, task) : task();
  }

  /* Send every waiting item (not those refused and not yet fixed), oldest first.
     options.csrf: the token to send (a page reads its own; the service worker the last one a page stored);
     options.progress(text): told each step in words for the progress line.
     Resolves { sent, refused, stopped: null | "login" | "later" | "network" }. */
  function flush(options) {
    var progress = options.progress || function () {};
    return withLock(function () {
      return all().then(function (items) {
        var waiting = items.filter(function (i) { return !i.error; });
        var total = waiting.length, result = { sent: 0, refused: 0, stopped: null };
        function next() {
          if (!waiting.length) {
            var words = [];
            if (result.sent) { words.push("已发送 " + result.sent + " 条。"); }
            if (result.refused) { words.push(result.refused + " 条被服务器退回，请修改后重新发送。"); }
            if (total) { progress(words.join("")); }
            return result;
          }
          var item = waiting.shift();
          progress("正在发送第 " + (result.sent + result.refused + 1) + " 条，共 " + total + " 条…");
          return send(item, options.csrf).then(verdict, function () { return { outcome: "network" }; }).then(function (v) {
            if (v.outcome === "sent") { result.sent += 1; return remove(item.key).then(next); }
            if (v.outcome === "refused") {
              result.refused += 1;
              item.error = v.message;
              item.fieldErrors = v.fields; // shown field by field when the item is reopened in its form
              return put(item).then(next);
            }
            result.stopped = v.outcome;
            progress({
              login: "登录已过期：请重新登录，登录后会自动继续发送，已存的记录不会丢失。",
              later: "服务器暂时无法处理，稍后自动重试。",
              network: "网络中断，恢复后自动继续发送。",
            }[v.outcome]);
            return result;
          });
        }
        return next();
      });
    });
  }

  root.DeputyOutboxCore = {
    all: all, get: get, put: put, remove: remove, getMeta: getMeta, setMeta: setMeta,
    newKey: newKey, messageOf: messageOf, flush: flush, SYNC_TAG: "deputy-outbox",
  };
})(self);
