// The app's service worker: after the first visit the app works offline. The build (src/offline/vite-plugin.ts)
// prepends `const VERSION = ...; const PRECACHE = [...];`: every file of the built app (shell, chunks, shaders,
// the ARC gallery, the shipped models). Models a user loads are kept by the page in its own cache
// (src/ui/model/modelCache.ts), which this worker leaves alone.
/* global VERSION, PRECACHE */
const CACHE = `trm-app-${VERSION}`;
const PREFIX = 'trm-app-';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((p) => new Request(p, { cache: 'reload' })))).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return; // model URLs the user typed: the network
  if (req.mode === 'navigate') {
    // The page itself: fresh when online, the cached shell when not.
    event.respondWith(fetch(req).catch(() => caches.match('./index.html', { cacheName: CACHE }).then((r) => r ?? Response.error())));
    return;
  }
  event.respondWith(
    caches.match(req, { cacheName: CACHE, ignoreSearch: true, ignoreVary: true }).then((hit) => hit ?? fetch(req)),
  );
});
