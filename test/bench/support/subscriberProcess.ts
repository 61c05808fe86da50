import WebSocket from 'ws';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import { now, type FleetCommand, type FleetStatus, type Receipts, type SocketSpec, type SubscriptionSpec } from './subscriberFleet.ts';

/**
 * The subscriber fleet's process (see startSubscriberFleet): answers the orchestrator's commands
 * over IPC, one answer per command, and exits when the orchestrator goes away.
 */

interface Subscription {
  spec: SubscriptionSpec;
  socketId: number;
  /** The cursor of the last event received: what a resumed subscription passes as `after`. */
  lastCursor: string | undefined;
  received: number;
  events: number[];
  times: number[];
}

interface Socket {
  spec: SocketSpec;
  client: Client;
  /** Closed on purpose (drop, disconnect): what ends then is not counted as a failure. */
  leaving: boolean;
}

const sockets = new Map<number, Socket>();
const subscriptions = new Map<number, Subscription>();
const eventIndex = new Map<string, number>();
let eventIds: string[] = [];
let countsByEvent: number[] = [];
let receipts = 0;
const failures = { errors: 0, ended: 0, closes: {} as Record<string, number>, firstError: undefined as string | undefined };

const fail = (what: string) => {
  failures.firstError ??= what;
};

function receive(subscription: Subscription, result: FormattedExecutionResult) {
  const at = now();
  if (result.errors?.length || !result.data) {
    failures.errors++;
    fail(JSON.stringify(result.errors ?? result));
    return;
  }
  const payload = result.data[subscription.spec.field] as { id?: string; cursor?: string; event?: { id?: string } } | undefined;
  const id = payload?.event?.id ?? payload?.id;
  if (!id) {
    failures.errors++;
    fail(`no event id in ${JSON.stringify(result.data)}`);
    return;
  }
  let index = eventIndex.get(id);
  if (index === undefined) {
    index = eventIds.length;
    eventIds.push(id);
    eventIndex.set(id, index);
    countsByEvent.push(0);
  }
  countsByEvent[index]!++;
  subscription.lastCursor = payload?.cursor ?? subscription.lastCursor;
  subscription.received++;
  subscription.events.push(index);
  subscription.times.push(at);
  receipts++;
}

/** Opens a socket and its subscriptions; resolves once the gateway acknowledged the connection (or refused it). */
function open(url: string, spec: SocketSpec, variablesOf: (subscription: SubscriptionSpec) => Record<string, unknown>): Promise<boolean> {
  let settle: (connected: boolean) => void = () => {};
  const settled = new Promise<boolean>((resolve) => (settle = resolve));
  const socket: Socket = {
    spec,
    leaving: false,
    client: createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: spec.connectionParams,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      on: {
        connected: () => settle(true),
        closed: (event) => {
          settle(false);
          if (socket.leaving) return;
          const code = String((event as { code?: number }).code ?? 'unknown');
          failures.closes[code] = (failures.closes[code] ?? 0) + 1;
          fail(`socket closed with ${code} ${String((event as { reason?: unknown }).reason ?? '')}`);
        },
      },
    }),
  };
  sockets.set(spec.id, socket);
  for (const each of spec.subscriptions) {
    let subscription = subscriptions.get(each.id);
    if (!subscription) subscriptions.set(each.id, (subscription = { spec: each, socketId: spec.id, lastCursor: undefined, received: 0, events: [], times: [] }));
    const target = subscription;
    socket.client.subscribe(
      { query: each.query, variables: variablesOf(each) },
      {
        next: (result) => receive(target, result as FormattedExecutionResult),
        error: (error) => {
          if (socket.leaving) return;
          failures.ended++;
          fail(`subscription ${each.id} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
        },
        complete: () => {
          if (socket.leaving) return;
          failures.ended++;
          fail(`subscription ${each.id} completed`);
        },
      },
    );
  }
  return settled;
}

async function connect(url: string, specs: SocketSpec[], concurrency: number) {
  const started = now();
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      if (!(await open(url, spec, (s) => s.variables))) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return { ms: now() - started, failed };
}

async function close(ids: Iterable<number>) {
  const started = now();
  await Promise.all(
    [...ids].map(async (id) => {
      const socket = sockets.get(id);
      if (!socket) return;
      socket.leaving = true;
      sockets.delete(id);
      await socket.client.dispose();
    }),
  );
  return { ms: now() - started };
}

/** The dropped sockets again, all at once, each subscription resuming after the last cursor it received. */
async function resume(url: string, fresh: { id: number; connectionParams: Record<string, string> }[]) {
  const started = now();
  let withoutCursor = 0;
  const connected = await Promise.all(
    fresh.map(({ id, connectionParams }) => {
      const spec = [...subscriptions.values()].filter((s) => s.socketId === id).map((s) => s.spec);
      return open(url, { id, connectionParams, subscriptions: spec }, (s) => {
        const after = subscriptions.get(s.id)!.lastCursor;
        if (!after) withoutCursor++;
        return after ? { ...s.variables, after } : s.variables;
      });
    }),
  );
  return { ms: now() - started, failed: connected.filter((ok) => !ok).length, withoutCursor };
}

function status(): FleetStatus {
  let ready = 0;
  for (const subscription of subscriptions.values()) if (subscription.received) ready++;
  return { subscriptions: subscriptions.size, ready, receipts, ...failures, closes: { ...failures.closes } };
}

function collect(): Receipts {
  const bySubscription: Receipts['bySubscription'] = [];
  for (const subscription of subscriptions.values()) {
    if (subscription.events.length) bySubscription.push({ id: subscription.spec.id, events: subscription.events, times: subscription.times });
    subscription.events = [];
    subscription.times = [];
  }
  const events = eventIds;
  eventIds = [];
  countsByEvent = [];
  eventIndex.clear();
  receipts = 0;
  return { events, bySubscription };
}

async function answer(command: FleetCommand): Promise<unknown> {
  switch (command.kind) {
    case 'connect':
      return connect(command.url, command.sockets, command.concurrency);
    case 'status':
      return status();
    case 'counts':
      return Object.fromEntries(eventIds.map((id, i) => [id, countsByEvent[i]!]));
    case 'collect':
      return collect();
    case 'drop':
      return close(command.socketIds);
    case 'resume':
      return resume(command.url, command.sockets);
    case 'disconnect': {
      await close([...sockets.keys()]);
      subscriptions.clear();
      return {};
    }
  }
}

process.on('message', (message: { seq: number; command: FleetCommand }) => {
  answer(message.command).then(
    (result) => process.send!({ seq: message.seq, result }),
    (error: unknown) => process.send!({ seq: message.seq, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
// The orchestrator went away (it ended, or failed): so does the fleet.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
