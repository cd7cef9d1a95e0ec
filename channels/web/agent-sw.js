/* destek agent console's service worker (agent.js registers it for /agent): it shows nothing
   itself and handles no fetch (the console always comes from the server, nothing is cached).
   It exists because Chrome on Android lets a page show a notification only through a service
   worker registration (`new Notification` throws there): the console calls
   registration.showNotification, and a click on one lands here, in `notificationclick`. */
'use strict';

self.addEventListener('install', function () { self.skipWaiting(); });

/* a console asks for its own client id, which it puts in its notifications' data */
self.addEventListener('message', function (e) {
  if (e.data === 'destek-client' && e.ports && e.ports[0]) e.ports[0].postMessage(e.source ? e.source.id : '');
});

/* a click: the console that showed it (or, reloaded since, another console tab) is brought
   forward and told which notification it was; with no console open, one is opened */
self.addEventListener('notificationclick', function (e) {
  var n = e.notification, d = n.data || {};
  n.close();
  e.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    var c = null, i;
    for (i = 0; i < list.length && !c; i++) if (d.client && list[i].id === d.client) c = list[i];
    for (i = 0; i < list.length && !c; i++) if (d.url && list[i].url.split('#')[0] === d.url) c = list[i];
    if (!c) return self.clients.openWindow ? self.clients.openWindow(d.url || self.registration.scope) : null;
    c.postMessage({ type: 'destek-notificationclick', tag: n.tag });
    return c.focus ? c.focus().catch(function () {}) : null;
  }));
});
