// Regard's service worker. The server fills in the build id and the list of
// app-shell files when it serves /sw.js, so every deploy installs a new worker
// that caches exactly that build and deletes the caches of earlier ones.
const BUILD = '__REGARD_BUILD__';
const SHELL = __REGARD_SHELL__;
const CACHE = `regard-shell-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith('regard-shell-') && key !== CACHE).map((key) => caches.delete(key)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Health data and signalling always go to the network, never to a cache.
  if (request.method !== 'GET' || url.origin !== self.location.origin
      || url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws/') || url.pathname === '/healthz') {
    return;
  }
  if (request.mode === 'navigate') {
    // Network first, so a deploy shows at once; the cached shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE })));
    return;
  }
  event.respondWith(
    caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)),
  );
});
