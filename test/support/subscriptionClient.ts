import WebSocket from 'ws';
import { createClient, type Client, type FormattedExecutionResult as ExecutionResult } from 'graphql-ws';

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
        async until(count, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (results.length < count) {
            if (finished) throw new Error(`the subscription ended after ${results.length} of ${count} results: ${JSON.stringify(finished.error ?? 'complete')}`);
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`timed out with ${results.length} of ${count} results: ${JSON.stringify(results)}`);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              waiters.push(() => (clearTimeout(timer), resolve()));
            });
          }
          return results.slice(0, count);
        },
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
