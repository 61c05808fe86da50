import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteContext } from '@chief/runtime';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql-ws';
import type { GraphQLError } from 'graphql';
import { closes, type SocketClose } from './SubscriptionCloseCode.ts';
import { credentialHeaders, type SubscribePayload, type SubscriberConnection, type SubscriptionEngine } from './createSubscriptionEngine.ts';

/** How often an idle stream gets a comment, so proxies and load balancers keep it open. */
const HEARTBEAT_MS = 15_000;

/** A Last-Event-ID longer than any cursor is not one (and is not passed on). */
const MAX_EVENT_ID = 200;

/**
 * GraphQL over Server-Sent Events at the gateway's /graphql: the `graphql-sse` protocol's
 * distinct connections mode. A GET or POST that accepts `text/event-stream` is one operation;
 * its results stream as `next` events, each subscription event with its cursor as the SSE `id`,
 * so a client that reconnects with `Last-Event-ID` (EventSource does by itself) resumes after it,
 * as `after` would. Credentials travel in the request's headers, as over HTTP; refused ones get
 * the HTTP path's status (401, 429). Errors of the operation stream as a `next` event, then
 * `complete`. When Chief ends a stream (the close codes of graphql-ws) the last `next` carries
 * the error (`extensions.code`, `extensions.closeCode`); a resumable end has no `complete`, so
 * the client comes back with its Last-Event-ID.
 */
export function serveGraphQLSse(engine: SubscriptionEngine) {
  const streams = new Set<ServerResponse>();
  const subscribed = new Set<SubscriberConnection>();

  async function serve(request: IncomingMessage, response: ServerResponse, { url, readBody, parseJson }: RouteContext): Promise<void> {
    const payload = request.method === 'POST' ? parseJson(await readBody(), 'Request body') : paramsOf(url, parseJson);
    if (!isPayload(payload)) return sendJson(response, 400, { errors: [{ message: 'Send a JSON object with "query" (and "variables", "operationName", "extensions")', extensions: { code: 'BAD_REQUEST' } }] });

    let heartbeat: NodeJS.Timeout | undefined;
    const write = (text: string) => {
      if (!response.headersSent) {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        streams.add(response);
        heartbeat = setInterval(() => response.write(':\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
      }
      response.write(text);
    };
    const next = (result: FormattedExecutionResult) => {
      const cursor = result.extensions?.cursor;
      write(`${typeof cursor === 'string' ? `id: ${cursor}\n` : ''}event: next\ndata: ${JSON.stringify(result)}\n\n`);
    };
    const finish = (complete: boolean) => {
      if (response.writableEnded) return;
      if (complete) write('event: complete\ndata:\n\n');
      response.end();
    };
    const connection: SubscriberConnection = {
      request,
      headers: credentialHeaders(request.headers),
      subscriptions: 0,
      bufferedBytes: () => response.writableLength + (response.socket?.writableLength ?? 0),
      end: (close: SocketClose) => {
        next({ errors: [{ message: close.reason, extensions: { code: close.errorCode, closeCode: close.code } }] });
        finish(!close.resumable);
      },
      open: () => !response.writableEnded && !response.destroyed,
    };
    response.once('close', () => {
      clearInterval(heartbeat);
      streams.delete(response);
      subscribed.delete(connection);
      engine.release(connection);
    });

    const authenticated = await engine.authenticate(connection);
    if ('error' in authenticated) return refuse(response, authenticated.error, engine);
    const lastEventId = request.headers['last-event-id'];
    const resumeAfter = typeof lastEventId === 'string' && lastEventId && lastEventId.length <= MAX_EVENT_ID ? lastEventId : undefined;
    const prepared = await engine.prepare(connection, payload, { context: authenticated.context, resumeAfter });
    if (prepared.kind !== 'accepted') {
      if (!connection.open()) return;
      next(engine.formatResult(prepared.kind === 'refused' ? { errors: prepared.errors } : prepared.result));
      return finish(true);
    }
    // A client gone meanwhile gets nothing started (subscribe sees the connection closed).
    const results = engine.subscribe(prepared, connection);
    subscribed.add(connection);
    response.once('close', () => void results.return?.());
    // Headers go out now, so the client knows it is subscribed before the first event.
    write(':\n\n');
    for await (const result of results) next(engine.formatResult(result));
    finish(true);
  }

  return {
    wants: (request: IncomingMessage) => (request.method === 'GET' || request.method === 'POST') && /text\/event-stream/.test(request.headers.accept ?? ''),
    serve,
    /** Ends every stream with ServerRestarting: clients reconnect (elsewhere) with their Last-Event-ID. */
    close(): void {
      for (const connection of subscribed) engine.end(connection, closes.restarting());
      for (const stream of streams) stream.end();
    },
  };
}

/** A GET's operation, from its query string (variables and extensions as JSON). */
function paramsOf(url: URL, parseJson: RouteContext['parseJson']): unknown {
  const json = (name: string) => {
    const value = url.searchParams.get(name);
    return value ? parseJson(value, name) : undefined;
  };
  return { query: url.searchParams.get('query') ?? undefined, operationName: url.searchParams.get('operationName') ?? undefined, variables: json('variables'), extensions: json('extensions') };
}

function isPayload(value: unknown): value is SubscribePayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { query, variables, operationName, extensions } = value as Record<string, unknown>;
  const objectOrAbsent = (v: unknown) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
  return (query === undefined || typeof query === 'string') && (operationName === undefined || operationName === null || typeof operationName === 'string') && objectOrAbsent(variables) && objectOrAbsent(extensions);
}

/** Credentials refused before any stream: the status the HTTP path would answer with. */
function refuse(response: ServerResponse, error: GraphQLError, engine: SubscriptionEngine): void {
  const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
  for (const [name, value] of http?.headers ?? []) response.setHeader(name, value);
  sendJson(response, http?.status ?? 401, engine.formatResult({ errors: [error] }));
}
