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
  subscribers: Set<Subscriber>;
  /** Others may join while they would miss nothing: a group from now always, one from a cursor until its first event. */
  joinable: boolean;
  fromCursor: boolean;
  ended: boolean;
  stop: () => void;
  /** Events being completed, in order. */
  chain: Promise<void>;
  pending: number;
}

/**
 * Identical subscriptions (same operation, variables and authorization scope: the key says so)
 * share one upstream subscription, and each event is completed once and handed to every
 * subscriber in log order. When the last subscriber leaves, the upstream is stopped and nothing
 * of the group remains. Events waiting to be completed are bounded too: a group that cannot keep
 * up closes its subscribers as slow consumers, who resume from their cursors. A group that started
 * from a cursor (`after`, Last-Event-ID) takes no one in once it has delivered an event: a
 * subscriber with the same cursor would miss what came before its joining; it starts its own.
 */
export class SharedSubscriptions {
  /** The groups a subscriber may join, by key. */
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly metrics: Metrics,
    private readonly maxPending: number,
  ) {}

  join(key: string, subscriber: Subscriber, open: OpenUpstream, complete: (data: Record<string, unknown>) => Promise<ExecutionResult>, fromCursor: boolean): () => void {
    const existing = this.groups.get(key);
    if (existing?.joinable) {
      existing.subscribers.add(subscriber);
      return () => this.leave(key, existing, subscriber);
    }
    const group: Group = { subscribers: new Set([subscriber]), joinable: true, fromCursor, ended: false, stop: () => {}, chain: Promise.resolve(), pending: 0 };
    this.groups.set(key, group);
    this.metrics.countSubscriptionGroups(1);
    const closeAll = (close: SocketClose) => {
      for (const each of [...group.subscribers]) each.close(close);
      this.end(key, group);
    };
    group.stop = open({
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
        });
      },
      errors: (errors) => {
        group.chain = group.chain.then(() => {
          if (group.ended) return;
          const close = closeForErrors(errors);
          if (close) return closeAll(close);
          // The subscription's own errors (a bad argument): each subscriber is told, then completes.
          for (const each of [...group.subscribers]) {
            each.queue.push({ errors } as unknown as ExecutionResult);
            each.queue.complete();
          }
          this.end(key, group);
        });
      },
      ended: (how) => {
        group.chain = group.chain.then(() => {
          if (group.ended) return;
          if (how === 'lost') return closeAll(closes.restarting());
          for (const each of [...group.subscribers]) each.queue.complete();
          this.end(key, group);
        });
      },
    });
    return () => this.leave(key, group, subscriber);
  }

  private leave(key: string, group: Group, subscriber: Subscriber): void {
    group.subscribers.delete(subscriber);
    if (!group.subscribers.size) this.end(key, group);
  }

  private end(key: string, group: Group): void {
    if (group.ended) return;
    group.ended = true;
    this.metrics.countSubscriptionGroups(-1);
    if (this.groups.get(key) === group) this.groups.delete(key);
    group.subscribers.clear();
    group.stop();
  }
}
