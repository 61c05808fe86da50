import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import type { Logger } from './createLogger.ts';
import type { Metrics } from './createMetrics.ts';
import { ErrorCode } from './errors.ts';
import { exceedsJsonDepth } from './exceedsJsonDepth.ts';
import { bearerToken } from './identity.ts';
import { requestScope } from './createRequestSession.ts';

export interface HttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  context: (request: IncomingMessage, requestId: string) => Promise<TContext>;
  /** Resolves true when the service can serve traffic (database reachable, schema loaded). */
  ready: () => Promise<boolean>;
  logger: Logger;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Longest a GraphQL request may take before the client gets 504 TIMEOUT. */
  timeoutMs?: number;
  /** Other endpoints by exact path (or a prefix ending in `/*`), served before /graphql. */
  routes?: Record<string, RouteHandler>;
  /** Fed with every GraphQL request; served at /metrics in Prometheus' format to holders of `metricsToken`. */
  metrics?: Metrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; without one, /metrics is not served. */
  metricsToken?: string;
  /**
   * The level of the line logged for each GraphQL request: `info` at the gateway (the access log),
   * `debug` in a subgraph, whose calls the gateway's line and metrics already account for.
   */
  requestLogLevel?: 'info' | 'debug';
  /**
   * Runs each GraphQL request in a `requestScope` (an AsyncLocalStorage) for what its context opens:
   * a subgraph's database session. Off at the gateway, which holds none: every promise in a scope
   * costs a hook.
   */
  scopeRequests?: boolean;
  /**
   * What /graphql serves instead of Apollo when one's `wants` says so, the first that does: the
   * explorer page for a browser's GET, an event stream for `Accept: text/event-stream`.
   */
  alternates?: { wants: (request: IncomingMessage) => boolean; serve: RouteHandler }[];
}

/**
 * Serves one endpoint besides Apollo's. `readBody` reads the body under the size limit; `parseJson`
 * reads JSON from the client (a body or a GET parameter) under the depth limit. Both throw what
 * the server answers with a 4xx.
 */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, context: RouteContext) => Promise<void>;

export interface RouteContext {
  url: URL;
  readBody(): Promise<string>;
  parseJson(text: string, what: string): unknown;
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: ErrorCode = ErrorCode.BAD_REQUEST,
    /** The connection cannot serve another request (an unread body is still on it). */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

/** Deepest JSON nesting accepted in a body or a GET parameter: far beyond any real input, far short of the stack. */
const MAX_JSON_DEPTH = 64;

/** The operation's name, as sent or as written in the document. */
function operationNameOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { operationName, query } = body as { operationName?: unknown; query?: unknown };
  if (typeof operationName === 'string' && operationName) return operationName;
  return typeof query === 'string' ? /\b(?:query|mutation|subscription)\s+([A-Za-z_]\w*)/.exec(query)?.[1] : undefined;
}

/** The request's work goes on in the background (subgraph transactions finish or roll back). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(504, `The request took longer than ${ms} ms; a mutation in it may still have been saved`, ErrorCode.TIMEOUT)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads a body up to `limit` bytes. A body over it (declared by Content-Length, or found while
 * reading) is refused with 413 on a connection that then closes: its unread rest must not be read
 * as the next request.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new HttpError(413, `Request body is larger than ${limit} bytes`, ErrorCode.BAD_REQUEST, true);
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData).off('end', onEnd).pause();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    request.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

/** JSON from a client, refused with 400 when it is not JSON or nests deeper than the stack should go. */
function parseJson(text: string, what: string): unknown {
  if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) throw new HttpError(400, `${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `${what} is not valid JSON`);
  }
}

/** Whether a request bears `Authorization: Bearer <token>`, compared in constant time. */
function bearsToken(request: IncomingMessage, token: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const presented = bearerToken(request.headers.authorization);
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

export function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * Serves an Apollo Server on node:http at /graphql, with /health (process up) and /ready.
 * Every response carries the request id, taken from `x-request-id` or made here.
 */
export function createHttpServer<TContext extends BaseContext>(options: HttpServerOptions<TContext>) {
  const { apollo, context, ready, logger, maxBodyBytes = 1_000_000, timeoutMs, routes = {}, alternates = [], metrics, metricsToken, requestLogLevel = 'info', scopeRequests = false } = options;
  const route = (pathname: string): RouteHandler | undefined =>
    routes[pathname] ?? Object.entries(routes).find(([path]) => path.endsWith('/*') && pathname.startsWith(path.slice(0, -1)))?.[1];

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const requestId = (request.headers['x-request-id'] as string | undefined)?.slice(0, 128) || randomUUID();
    response.setHeader('x-request-id', requestId);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return sendJson(response, 200, { status: 'ok' });
    if (url.pathname === '/ready') {
      const ok = await ready().catch(() => false);
      return sendJson(response, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
    }
    if (url.pathname === '/metrics' && metrics && metricsToken) {
      // Operation names are every tenant's: only the holder of the metrics token reads them.
      if (!bearsToken(request, metricsToken)) {
        response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' });
        return void response.end('Send the metrics token: Authorization: Bearer <METRICS_TOKEN>');
      }
      response.writeHead(200, { 'content-type': metrics.registry.contentType });
      return void response.end(await metrics.registry.metrics());
    }
    // Made only off the GraphQL path: a request to Apollo allocates nothing for it.
    const routeContext = (): RouteContext => ({ url, readBody: () => readBody(request, maxBodyBytes), parseJson });
    const handler = route(url.pathname);
    if (handler) return handler(request, response, routeContext());
    if (url.pathname !== '/graphql') return sendJson(response, 404, { error: 'Not found' });
    const alternate = alternates.find((each) => each.wants(request));
    if (alternate) return alternate.serve(request, response, routeContext());
    return handleGraphQL(request, response, url, requestId);
  }

  /** One GraphQL request, logged with its request id and counted once it is answered. */
  async function handleGraphQL(request: IncomingMessage, response: ServerResponse, url: URL, requestId: string) {
    const started = performance.now();
    let operation: string | undefined;
    response.once('finish', () => {
      const ms = performance.now() - started;
      metrics?.observeRequest(operation, response.statusCode, ms / 1000);
      logger[requestLogLevel]({ requestId, operation: operation ?? null, status: response.statusCode, ms: Math.round(ms * 10) / 10 }, 'graphql request');
    });

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (request.method === 'POST') {
      const text = await readBody(request, maxBodyBytes);
      const isJson = /json/i.test(headers.get('content-type') ?? '');
      body = isJson && text ? parseJson(text, 'Request body') : text;
    } else {
      // Apollo parses these parameters of a GET itself; their depth is checked first.
      for (const name of ['variables', 'extensions']) {
        const value = url.searchParams.get(name);
        if (value && exceedsJsonDepth(value, MAX_JSON_DEPTH)) throw new HttpError(400, `${name} nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
    }
    operation = operationNameOf(request.method === 'GET' ? Object.fromEntries(url.searchParams) : body);
    // A request the spec calls well-formed: a GET with a query, or a JSON POST with a query or a persisted hash.
    const wellFormed =
      request.method === 'GET'
        ? url.searchParams.has('query') || url.searchParams.has('extensions')
        : typeof body === 'object' && body !== null && ('query' in body || 'extensions' in body);
    const execute = () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
        context: () => context(request, requestId),
      });
    // The whole execution is one request scope: what its context opens (a subgraph's session) is found there.
    const execution = scopeRequests ? requestScope.run({}, execute) : execute();
    const result = timeoutMs ? await withTimeout(execution, timeoutMs) : await execution;
    for (const [name, value] of result.headers) response.setHeader(name, value);
    // GraphQL over HTTP: a client that only accepts application/json (the legacy media type) gets
    // 200 for GraphQL request errors, which it reads from the body; application/graphql-response+json
    // clients get the 4xx status.
    const legacyJson = result.status === 400 && wellFormed && (result.headers.get('content-type') ?? '').startsWith('application/json');
    response.statusCode = legacyJson ? 200 : (result.status ?? 200);
    if (result.body.kind === 'complete') return response.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (error.closeConnection) response.setHeader('connection', 'close');
        return sendJson(response, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
      }
      logger.error({ err: error }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL' } }] });
      else response.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port: number, host: string): Promise<RunningServer> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const bound = (server.address() as AddressInfo).port;
          resolve({
            server,
            port: bound,
            url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}/graphql`,
            close: () =>
              new Promise<void>((done) => {
                server.close(() => done());
                server.closeAllConnections();
              }),
          });
        });
      });
    },
  };
}
