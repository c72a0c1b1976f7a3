/* The service worker (served at /sw.js by config/offline.py, which puts OFFLINE first: the Workbox
   folder, the assets to precache with their revisions, and the pages that open offline).
   Built on Workbox, vendored in static/vendor/: nothing is fetched from a CDN. */
/* global importScripts, workbox, OFFLINE, DeputyOutboxCore */
importScripts(OFFLINE.workbox + "workbox-sw.js");
workbox.setConfig({ modulePathPrefix: OFFLINE.workbox, debug: false });

const { precacheAndRoute } = workbox.precaching;
const { registerRoute } = workbox.routing;
const { NetworkFirst } = workbox.strategies;

self.skipWaiting();
workbox.core.clientsClaim();

// The shell's CSS, JS, icons and the form pages' assets: served from the cache, refreshed when a
// new service worker (with new revisions) installs.
precacheAndRoute(OFFLINE.precache);

// The pages a clerk fills in the field: from the network when there is one, otherwise the copy
// kept at the last online visit (static/js/outbox.js warms it). A query string does not matter.
const isOfflinePage = (url) => OFFLINE.pages.includes(url.pathname) || OFFLINE.pagePrefixes.some((p) => url.pathname.startsWith(p));
registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === self.location.origin && isOfflinePage(url),
  new NetworkFirst({
    cacheName: OFFLINE.pageCache,
    networkTimeoutSeconds: 6,
    matchOptions: { ignoreSearch: true, ignoreVary: true },
    // A login page reached by redirect (an expired session) must not be kept as the form.
    plugins: [{ cacheWillUpdate: async ({ response }) => (response.ok && !response.redirected ? response : null) }],
  }),
);

// --- Background Sync: the outbox sends itself when the signal returns, even with the app closed ---
// A page that queues an item registers the sync tag (static/js/outbox.js); the browser fires `sync`
// once it is online. The sender is the pages' own (static/js/outbox-core.js), under the same Web
// Lock, so a page flushing at the same moment never sends an item twice. Browsers without
// Background Sync send on the next page load and on the `online` event instead.
importScripts(...OFFLINE.outbox);

async function broadcast(text) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage({ outbox: text }));
}

async function sendQueued() {
  if (!self.navigator.onLine) throw new Error("outbox: offline, will retry");
  const csrf = await DeputyOutboxCore.getMeta("csrf");
  const result = await DeputyOutboxCore.flush({ csrf, progress: broadcast });
  // Rejecting asks the browser to try again later (with its own back-off); an expired session
  // waits for the clerk to log in, and the page after login sends the rest.
  if (result.stopped === "network" || result.stopped === "later") throw new Error("outbox: will retry");
}

self.addEventListener("sync", (event) => {
  if (event.tag === DeputyOutboxCore.SYNC_TAG) event.waitUntil(sendQueued());
});
