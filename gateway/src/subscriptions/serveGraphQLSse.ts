import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteContext } from '@chief/runtime';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql-ws';
import { getOperationAST, parse, type GraphQLError } from 'graphql';
import { closes, type SocketClose } from './SubscriptionCloseCode.ts';
import { credentialHeaders, type SubscribePayload, type SubscriberConnection, type SubscriptionEngine } from './createSubscriptionEngine.ts';

/** How often an idle stream gets a comment, so proxies and load balancers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * GraphQL over Server-Sent Events at the gateway's /graphql: the `graphql-sse` protocol's
 * distinct connections mode. A GET or POST that accepts `text/event-stream` is one operation;
 * its results stream as `next` events, each subscription event with its cursor as the SSE `id`,
 * so a client that reconnects with `Last-Event-ID` resumes after it, as `after` would. Credentials travel in the request's headers, as over HTTP; refused ones get
 * the HTTP path's status (401, 429). Errors of the operation stream as a `next` event, then
 * `complete`. When Chief ends a stream (the close codes of graphql-ws) the last `next` carries
 * the error (`extensions.code`, `extensions.closeCode`); a resumable end has no `complete`, so
 * the client comes back with its Last-Event-ID.
 */
export function serveGraphQLSse(engine: SubscriptionEngine) {
  const streams = new Set<SubscriberConnection>();
  let closing = false;

  async function serve(request: IncomingMessage, response: ServerResponse, { url, readBody, parseJson }: RouteContext): Promise<void> {
    if (closing) return sendJson(response, 503, { errors: [{ message: 'Chief is restarting: reconnect and resume with your last cursor', extensions: { code: 'SERVER_RESTARTING' } }] });
    const payload = request.method === 'POST' ? parseJson(await readBody(), 'Request body') : paramsOf(url, parseJson);
    if (!isPayload(payload)) return sendJson(response, 400, { errors: [{ message: 'Send a JSON object with "query" (and "variables", "operationName", "extensions")', extensions: { code: 'BAD_REQUEST' } }] });
    // GET is safe: no mutation runs on one, over a stream or not (GraphQL over HTTP's rule).
    if (request.method === 'GET' && isMutation(payload)) {
      response.setHeader('allow', 'POST');
      return sendJson(response, 405, { errors: [{ message: 'Mutations are sent with POST', extensions: { code: 'BAD_REQUEST' } }] });
    }

    let heartbeat: NodeJS.Timeout | undefined;
    let results: AsyncIterableIterator<unknown> | undefined;
    const open = () => !response.writableEnded && !response.destroyed;
    // Every way the stream ends comes here, once: the timer, the subscription and the caps go with it.
    const release = () => {
      clearInterval(heartbeat);
      streams.delete(connection);
      engine.release(connection);
      void results?.return?.();
    };
    const write = (text: string) => {
      if (!open()) return;
      if (!response.headersSent) {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        heartbeat = setInterval(() => write(':\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
      }
      response.write(text);
    };
    const next = (result: FormattedExecutionResult) => {
      const cursor = result.extensions?.cursor;
      write(`${typeof cursor === 'string' ? `id: ${cursor}\n` : ''}event: next\ndata: ${JSON.stringify(result)}\n\n`);
    };
    const finish = (complete: boolean) => {
      if (!open()) return release();
      if (complete) write('event: complete\ndata:\n\n');
      response.end();
      release();
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
      open,
    };
    response.once('close', release);

    const authenticated = await engine.authenticate(connection);
    if ('error' in authenticated) {
      release();
      return open() ? refuse(response, authenticated.error, engine) : undefined;
    }
    const lastEventId = request.headers['last-event-id'];
    const resumeAfter = typeof lastEventId === 'string' && lastEventId ? lastEventId : undefined;
    const prepared = await engine.prepare(connection, payload, { context: authenticated.context, resumeAfter });
    if (prepared.kind !== 'accepted') {
      next(engine.formatResult(prepared.kind === 'refused' ? { errors: prepared.errors } : prepared.result));
      return finish(true);
    }
    // A client gone meanwhile gets nothing started (subscribe sees the connection closed).
    const stream = engine.subscribe(prepared, connection);
    results = stream;
    if (!open()) return release();
    streams.add(connection);
    // Headers go out now, so the client knows it is subscribed before the first event.
    write(':\n\n');
    for await (const result of stream) next(engine.formatResult(result));
    finish(true);
  }

  return {
    wants: (request: IncomingMessage) => (request.method === 'GET' || request.method === 'POST') && /text\/event-stream/.test(request.headers.accept ?? ''),
    serve,
    /** Takes no new stream, and ends every one with ServerRestarting: clients reconnect (elsewhere) with their Last-Event-ID. */
    close(): void {
      closing = true;
      for (const connection of [...streams]) engine.end(connection, closes.restarting());
    },
  };
}

/** Whether the request's operation is a mutation (a document that does not parse is left to the pipeline). */
function isMutation({ query, operationName }: SubscribePayload): boolean {
  try {
    return !!query && getOperationAST(parse(query), operationName ?? undefined)?.operation === 'mutation';
  } catch {
    return false;
  }
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
