import type { ExecutionResult } from 'graphql-ws';
import type { Metrics } from '@chief/runtime';
import { closeForErrors, closes, type SocketClose } from './SubscriptionCloseCode.ts';
import type { SubscriberQueue } from './SubscriberQueue.ts';

/** One subscriber of a shared subscription: its queue, and how to close its socket. */
export interface Subscriber {
  queue: SubscriberQueue;
  close(close: SocketClose): void;
}

/** Opens the upstream of a group: returns how to stop it. */
export type OpenUpstream = (group: {
  /** An upstream event, in order, with its cursor; `complete` turns it into the subscribers' result. */
  event(data: Record<string, unknown>, cursor: string | undefined): void;
  errors(errors: readonly { message: string; extensions?: Record<string, unknown> }[]): void;
  /** The upstream ended: by the subgraph (`complete`) or because its socket went away. */
  ended(how: 'complete' | 'lost'): void;
}) => () => void;

interface Group {
  key: string;
  stream: string;
  subscribers: Set<Subscriber>;
  /** Others may join while they would miss nothing: a group from now always, one from a cursor until its first event. */
  joinable: boolean;
  fromCursor: boolean;
  ended: boolean;
  stop: () => void;
  /** Events being completed, in order. */
  chain: Promise<void>;
  pending: number;
  /** The cursor of the last event handed to the subscribers. */
  at?: string;
}

/** Which subscriptions are shared, and how. */
export interface SharingKeys {
  /** Identical subscriptions: same operation, variables (the start included) and authorization scope. */
  key: string;
  /** The same without where it starts: groups of one stream that reach the same cursor become one. */
  stream: string;
}

/** Upstream error codes that end a stream for the client to resume: ours, or of the moment. */
const TRANSIENT = new Set<unknown>(['INTERNAL', 'TIMEOUT', 'TRANSACTION_ABORTED', undefined]);

const positionOf = (group: Group, cursor: string) => `${group.stream}\n${cursor}`;

/**
 * Identical subscriptions (the key says so) share one upstream subscription, and each event is
 * completed once and handed to every subscriber in log order. When the last subscriber leaves,
 * the upstream is stopped and nothing of the group remains. Events waiting to be completed are
 * bounded too: a group that cannot keep up closes its subscribers as slow consumers, who resume
 * from their cursors.
 *
 * A group that started from a cursor (`after`, Last-Event-ID) takes no one in once it has
 * delivered an event: a subscriber with the same cursor would miss what came before its
 * joining; it starts its own. Groups of one stream that started at different places (clients
 * resuming after a restart, each from its own cursor) merge once they have delivered the same
 * cursor: from there on they would receive the same events, so one resolution serves them all.
 */
export class SharedSubscriptions {
  /** The groups a subscriber may join, by key. */
  private readonly groups = new Map<string, Group>();
  /** Each group by the last cursor it delivered, per stream: where the next to get there merges. */
  private readonly positions = new Map<string, Group>();
  private readonly memberOf = new Map<Subscriber, Group>();

  constructor(
    private readonly metrics: Metrics,
    private readonly maxPending: number,
  ) {}

  join({ key, stream }: SharingKeys, subscriber: Subscriber, open: OpenUpstream, complete: (data: Record<string, unknown>) => Promise<ExecutionResult>, fromCursor: boolean): () => void {
    const existing = this.groups.get(key);
    if (existing?.joinable) {
      existing.subscribers.add(subscriber);
      this.memberOf.set(subscriber, existing);
      return () => this.leave(subscriber);
    }
    const group: Group = { key, stream, subscribers: new Set([subscriber]), joinable: true, fromCursor, ended: false, stop: () => {}, chain: Promise.resolve(), pending: 0 };
    const closeAll = (close: SocketClose) => {
      for (const each of [...group.subscribers]) each.close(close);
      this.end(group);
    };
    let stop: () => void;
    try {
      stop = open({
        event: (data, cursor) => {
          if (++group.pending > this.maxPending) return closeAll(closes.slowConsumer());
          group.chain = group.chain.then(async () => {
            let result: ExecutionResult;
            try {
              result = await complete(data);
            } catch {
              result = { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL' } }] } as unknown as ExecutionResult;
            }
            group.pending--;
            if (group.ended) return;
            const close = closeForErrors(result.errors);
            if (close) return closeAll(close);
            if (group.fromCursor && group.joinable) {
              group.joinable = false;
              if (this.groups.get(key) === group) this.groups.delete(key);
            }
            this.metrics.observeSubscriptionEvent(group.subscribers.size);
            if (cursor) result = { ...result, extensions: { ...result.extensions, cursor } };
            for (const each of group.subscribers) each.queue.push(result);
            if (cursor) this.arrived(group, cursor);
          });
        },
        errors: (errors) => {
          group.chain = group.chain.then(() => {
            if (group.ended) return;
            // A failure of ours or of the moment (the database, a timeout) ends the stream for a resume, not for good.
            const close = closeForErrors(errors) ?? (errors.some((error) => TRANSIENT.has(error.extensions?.code)) ? closes.restarting() : undefined);
            if (close) return closeAll(close);
            // The subscription's own errors (a bad argument): each subscriber is told, then completes.
            for (const each of [...group.subscribers]) {
              each.queue.push({ errors } as unknown as ExecutionResult);
              each.queue.complete();
            }
            this.end(group);
          });
        },
        ended: (how) => {
          group.chain = group.chain.then(() => {
            if (group.ended) return;
            if (how === 'lost') return closeAll(closes.restarting());
            for (const each of [...group.subscribers]) each.queue.complete();
            this.end(group);
          });
        },
      });
    } catch (error) {
      group.ended = true;
      throw error;
    }
    // Registered once its upstream is open: a group whose open threw is nobody's to join.
    group.stop = stop;
    this.groups.set(key, group);
    this.memberOf.set(subscriber, group);
    this.metrics.countSubscriptionGroups(1);
    return () => this.leave(subscriber);
  }

  /**
   * The group has handed out `cursor`. Another group of its stream whose last one was the same
   * takes its subscribers: both have delivered everything up to there, and what that one
   * completes next is what follows.
   */
  private arrived(group: Group, cursor: string): void {
    this.unplace(group);
    group.at = cursor;
    const there = this.positions.get(positionOf(group, cursor));
    if (!there || there.ended) return void this.positions.set(positionOf(group, cursor), group);
    for (const subscriber of group.subscribers) {
      there.subscribers.add(subscriber);
      this.memberOf.set(subscriber, there);
    }
    group.subscribers.clear();
    this.end(group);
  }

  private unplace(group: Group): void {
    if (group.at !== undefined && this.positions.get(positionOf(group, group.at)) === group) this.positions.delete(positionOf(group, group.at));
  }

  private leave(subscriber: Subscriber): void {
    const group = this.memberOf.get(subscriber);
    if (!group) return;
    this.memberOf.delete(subscriber);
    group.subscribers.delete(subscriber);
    if (!group.subscribers.size) this.end(group);
  }

  private end(group: Group): void {
    if (group.ended) return;
    group.ended = true;
    this.metrics.countSubscriptionGroups(-1);
    if (this.groups.get(group.key) === group) this.groups.delete(group.key);
    this.unplace(group);
    for (const subscriber of group.subscribers) this.memberOf.delete(subscriber);
    group.subscribers.clear();
    group.stop();
  }
}
