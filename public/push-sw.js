// Mesure's push service worker, served at /push-sw.js and registered by the portal's Channels
// page: it shows each notification the push service hands over and opens its link on a click.
// It has no fetch handler on purpose: pages load from the network as they would without it.

// A new version takes over at once: there is no cache or page state to migrate.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  // The payload is what the Web Push channel sends: { title, body, url, tag, lang }.
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    // Not JSON: still show something, since a push must end in a visible notification.
    message = { body: event.data ? event.data.text() : "" };
  }
  const title = typeof message.title === "string" && message.title ? message.title : "Mesure";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof message.body === "string" ? message.body : "",
      // Where a click goes; without a link, the customer's preferences.
      data: { url: typeof message.url === "string" && message.url ? message.url : "/portal" },
      // The same delivery arriving twice (a retry) replaces the first rather than adding one.
      tag: typeof message.tag === "string" ? message.tag : undefined,
      lang: message.lang === "en" ? "en" : "fr",
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? "/portal", self.location.origin).href;
  event.waitUntil(
    (async () => {
      // A window already showing that page gets the focus rather than a second copy of it.
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => client.url === url);
      if (open) return open.focus();
      return self.clients.openWindow(url);
    })(),
  );
});
