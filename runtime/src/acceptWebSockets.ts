import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * WebSocket upgrades of `server` at /graphql (any other path is refused), for graphql-ws to serve.
 * `close` hands every open socket to `end` (to close it with a code that says why), then stops
 * accepting.
 */
export function acceptWebSockets(server: Server, maxPayload: number) {
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://localhost').pathname !== '/graphql') return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  return {
    wss,
    async close(end: (socket: WebSocket) => void): Promise<void> {
      server.off('upgrade', onUpgrade);
      for (const socket of wss.clients) end(socket);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
