// covermap serve: the one live-reload connection for every open tab. A SharedWorker
// (served at /__covermap/worker.js, started by reload.js) holds a single event stream
// and passes each event to every tab, so ten tabs cost one of the browser's six
// connections per host, not ten. It remembers the latest build and error, so a tab
// that opens or navigates is told them at once.
"use strict";
const ports = new Set();
let hello = null; // the latest {"build":N}, as JSON text
let error = null; // the latest failed build's report, until a good one

function send(type, data) {
  for (const port of ports) port.postMessage({ type, data });
}

const events = new EventSource("/__covermap/events");
events.addEventListener("hello", (e) => {
  // Sent on every (re)connection; an error still there follows it.
  hello = e.data;
  error = null;
  send("hello", e.data);
});
events.addEventListener("reload", (e) => {
  hello = e.data;
  error = null;
  send("reload", e.data);
});
events.addEventListener("error", (e) => {
  // The connection's own errors carry no data; EventSource reconnects by itself.
  if (!e.data) return;
  error = e.data;
  send("error", e.data);
});

self.addEventListener("connect", (e) => {
  const port = e.ports[0];
  ports.add(port);
  // A tab says goodbye when it is closed or navigates away.
  port.addEventListener("message", (m) => {
    if (m.data === "bye") ports.delete(port);
  });
  port.start();
  if (hello !== null) port.postMessage({ type: "hello", data: hello });
  if (error !== null) port.postMessage({ type: "error", data: error });
});
