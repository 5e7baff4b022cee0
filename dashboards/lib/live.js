// Subscriptions over this origin's WebSocket (`/graphql/ws`, the
// graphql-transport-ws protocol). A browser cannot set headers on a
// WebSocket, so the key goes in `connection_init`.

import * as api from "./api.js";

// Subscribes to `query` with `variables`: `onLive()` runs once the
// subscription is sent, `onData(data)` for each event and `onEnd(reason)`
// once when it ends. Returns a function that closes it.
export function subscribe(query, variables, { onData, onLive = () => {}, onEnd = () => {} }) {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/graphql/ws`, "graphql-transport-ws");
  let ended = false;
  const end = (reason) => {
    if (ended) return;
    ended = true;
    onEnd(reason);
  };
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${api.key()}` } }));
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    switch (message.type) {
      case "connection_ack":
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        onLive();
        break;
      case "next":
        if (message.payload.errors && message.payload.errors.length) end(message.payload.errors[0].message);
        else onData(message.payload.data);
        break;
      case "error":
        end(message.payload && message.payload[0] ? message.payload[0].message : "the subscription was refused");
        break;
      case "complete":
        end("the subscription ended");
        break;
      case "ping":
        socket.send(JSON.stringify({ type: "pong" }));
        break;
      default:
        break;
    }
  });
  socket.addEventListener("close", (event) => end(event.code === 4401 ? "the key was revoked" : "the connection closed"));
  return () => {
    ended = true;
    socket.close(1000);
  };
}
