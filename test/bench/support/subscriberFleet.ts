import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** One subscription a fleet's socket carries; its id is the subscriber's. */
export interface SubscriptionSpec {
  id: number;
  query: string;
  variables: Record<string, unknown>;
  /** The payload's root field (`taskChanged`): its `event.id` or `id` names the event, its `cursor` resumes after it. */
  field: string;
}

/** One graphql-ws socket of the fleet: a client's connection_init and the subscriptions it opens. */
export interface SocketSpec {
  id: number;
  connectionParams: Record<string, string>;
  subscriptions: SubscriptionSpec[];
}

/** What the fleet has seen since its last `collect`, and over its whole life. */
export interface FleetStatus {
  subscriptions: number;
  /** Subscriptions that have received at least one event since they were opened. */
  ready: number;
  /** Results received since the last collect. */
  receipts: number;
  /** Results with errors, subscriptions that ended (error or complete) and sockets that closed, none of them asked for. */
  errors: number;
  ended: number;
  closes: Record<string, number>;
  firstError: string | undefined;
}

/** Every result since the last collect: events by index into `events` (their ids), with the time each arrived. */
export interface Receipts {
  events: string[];
  bySubscription: { id: number; events: number[]; times: number[] }[];
}

/** The messages the fleet's process answers (see subscriberProcess.ts). */
export type FleetCommand =
  | { kind: 'connect'; url: string; sockets: SocketSpec[]; /** Sockets opening at once. */ concurrency: number }
  | { kind: 'status' }
  | { kind: 'counts' }
  | { kind: 'collect' }
  | { kind: 'drop'; socketIds: number[] }
  | { kind: 'resume'; url: string; sockets: { id: number; connectionParams: Record<string, string> }[] }
  | { kind: 'disconnect' };

interface FleetAnswers {
  connect: { ms: number; failed: number };
  status: FleetStatus;
  /** Results received since the last collect, by event id. */
  counts: Record<string, number>;
  collect: Receipts;
  drop: { ms: number };
  resume: { ms: number; failed: number; withoutCursor: number };
  disconnect: Record<string, never>;
}

/** A moment as both processes tell it: the wall clock at the process' start, plus its monotonic clock (sub-millisecond). */
export const now = () => performance.timeOrigin + performance.now();

export interface SubscriberFleet {
  pid: number;
  send<K extends FleetCommand['kind']>(command: Extract<FleetCommand, { kind: K }>): Promise<FleetAnswers[K]>;
  stop(): Promise<void>;
}

/**
 * The benchmark's subscribers, in a process of their own (subscriberProcess.ts) so that they never
 * compete with the orchestrator's timers and writes for one event loop, and their CPU is counted
 * apart: real graphql-ws clients over `ws`, several subscriptions per socket. Every result is
 * timestamped as it arrives (`now`, comparable with the orchestrator's) and kept until collected.
 */
export async function startSubscriberFleet(): Promise<SubscriberFleet> {
  const child: ChildProcess = fork(new URL('./subscriberProcess.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'spawn');
  let next = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (message: { seq: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.seq);
    pending.delete(message.seq);
    if (message.error !== undefined) waiter?.reject(new Error(`subscriber fleet: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`subscriber fleet exited (${code ?? signal})`));
    pending.clear();
  });
  return {
    pid: child.pid!,
    send(command) {
      return new Promise((resolve, reject) => {
        const seq = ++next;
        pending.set(seq, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ seq, command });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
