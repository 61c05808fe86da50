import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayingProxy {
  url: string;
  /** The requests that reached the proxy (and so the subgraph behind it). */
  requests: { body: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * A real HTTP proxy in front of a real subgraph that holds each answer for `delayMs`: it makes
 * calls overlap in time, deterministically, and counts the calls that reached the subgraph.
 */
export async function startDelayingProxy(target: string, delayMs: number): Promise<DelayingProxy> {
  const requests: DelayingProxy['requests'] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    requests.push({ body, authorization: request.headers.authorization });
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
    const answer = await fetch(target, { method: 'POST', headers, body });
    const text = await answer.text();
    await new Promise((wait) => setTimeout(wait, delayMs));
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(text);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    close: () =>
      new Promise((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}
