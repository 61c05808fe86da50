import WebSocket from 'ws';
import { createClient, type Client, type FormattedExecutionResult as ExecutionResult } from 'graphql-ws';
import { expectData, type ChiefClient, type GraphQLResult } from './startTestChief.ts';

/** One subscription as a test reads it: the results so far, and how it ended. */
export interface Watched<TData> {
  results: ExecutionResult<TData, unknown>[];
  /** Resolves once `count` results have arrived (rejects when the subscription ends first). */
  until(count: number, timeoutMs?: number): Promise<ExecutionResult<TData, unknown>[]>;
  ended: Promise<{ error?: unknown }>;
  stop(): void;
}

export interface SubscriptionClient {
  client: Client;
  /** The close event of the socket, once it closed. */
  closed: Promise<{ code: number; reason: string }>;
  watch<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Watched<TData>;
  dispose(): Promise<void>;
}

/** A real graphql-ws client to the gateway's /graphql, authenticated in connection_init. */
export function connectSubscriptions(gatewayUrl: string, connectionParams: Record<string, string>): SubscriptionClient {
  let closedWith: (event: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // The socket's close is read from `closed`; graphql-ws would also print it.
    onNonLazyError: () => {},
    on: { closed: (event) => closedWith({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
  });
  return {
    client,
    closed,
    watch<TData>(query: string, variables: Record<string, unknown> = {}): Watched<TData> {
      const results: ExecutionResult<TData, unknown>[] = [];
      const waiters: (() => void)[] = [];
      let end: (how: { error?: unknown }) => void = () => {};
      const ended = new Promise<{ error?: unknown }>((resolve) => (end = resolve));
      let finished: { error?: unknown } | undefined;
      const stop = client.subscribe<TData>({ query, variables }, {
        next: (result) => {
          results.push(result);
          for (const wake of waiters.splice(0)) wake();
        },
        error: (error) => {
          finished = { error };
          end(finished);
          for (const wake of waiters.splice(0)) wake();
        },
        complete: () => {
          finished = {};
          end(finished);
          for (const wake of waiters.splice(0)) wake();
        },
      });
      return {
        results,
        ended,
        stop,
        until: (count, timeoutMs = 10_000) =>
          arrivals(results, waiters, count, timeoutMs, () => finished && `the subscription ended after ${results.length} of ${count} results: ${JSON.stringify(finished.error ?? 'complete')}`),
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** The cursor of the newest event of the token's workspace log: subscribing after it misses nothing that follows. */
export async function latestLogCursor(chief: ChiefClient, token: string): Promise<string> {
  let after: string | null = null;
  let latest: string | undefined;
  for (;;) {
    const page: GraphQLResult<{ events: { edges: { node: { cursor: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await chief.request(
      'query Latest($after: String) { events(first: 100, after: $after) { edges { node { cursor } } pageInfo { hasNextPage endCursor } } }',
      { after },
      { token },
    );
    const { edges, pageInfo } = expectData(page).events;
    latest = edges.at(-1)?.node.cursor ?? latest;
    if (!pageInfo.hasNextPage) break;
    after = pageInfo.endCursor;
  }
  if (!latest) throw new Error('the workspace log is empty');
  return latest;
}

/** One server-sent event as the wire carries it. */
export interface ServerSentEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A raw GraphQL-over-SSE stream (distinct connections mode), read as EventSource would: every
 * event with its `id`, so a test can reconnect with Last-Event-ID.
 */
export function openEventStream(gatewayUrl: string, body: Record<string, unknown>, headers: Record<string, string>) {
  const controller = new AbortController();
  const events: ServerSentEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const response = fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const done = (async () => {
    const res = await response;
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ServerSentEvent = { data: '' };
          for (const line of block.split('\n')) {
            if (!line || line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') event.id = value;
            else if (field === 'event') event.event = value;
            else if (field === 'data') event.data = event.data ? `${event.data}\n${value}` : value;
          }
          if (event.event) events.push(event);
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      ended = true;
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  return {
    response,
    events,
    /** The `next` events' results. */
    results: () => events.filter((e) => e.event === 'next').map((e) => JSON.parse(e.data) as GraphQLResult['body']),
    /** Resolves once `count` events have arrived (rejects when the stream ends first, or on timeout). */
    until: (count: number, timeoutMs = 10_000) =>
      arrivals(events, waiters, count, timeoutMs, () => ended && `the stream ended after ${events.length} of ${count} events: ${JSON.stringify(events)}`),
    /** Resolves when the server ends the stream. */
    ended: done.then(() => events),
    close: () => controller.abort(),
  };
}

/**
 * The first `count` items once they have arrived (`waiters` are woken at each); rejects with
 * `ended()`'s message when the source ends first, or on timeout.
 */
async function arrivals<T>(items: T[], waiters: (() => void)[], count: number, timeoutMs: number, ended: () => string | false | undefined): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (items.length < count) {
    const why = ended();
    if (why) throw new Error(why);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out with ${items.length} of ${count}: ${JSON.stringify(items)}`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      waiters.push(() => (clearTimeout(timer), resolve()));
    });
  }
  return items.slice(0, count);
}

/** A metric of a service's /metrics, summed over the series that carry `label` (as Prometheus prints it: `code="4441"`). */
export async function readMetric(serviceUrl: string, metricsToken: string, name: string, label?: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', serviceUrl), { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && (!label || line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
