/* The service worker (served at /sw.js by config/offline.py, which puts OFFLINE first: the Workbox
   folder, the assets to precache with their revisions, and the pages that open offline).
   Built on Workbox, vendored in static/vendor/: nothing is fetched from a CDN. */
/* global importScripts, workbox, OFFLINE */
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
