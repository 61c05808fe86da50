import type { ExecutionResult } from 'graphql-ws';

/**
 * What one subscriber has yet to be sent, as the async iterator graphql-ws reads: results queue
 * here while the socket is busy, up to `limit`; one more, or any while `socketFull` says the
 * socket's own buffer is, calls `overflow` (the subscriber is closed as a slow consumer) instead
 * of growing. Ending it, by the client or the gateway, calls
 * `leave` once.
 */
export class SubscriberQueue implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: ExecutionResult[] = [];
  private waiter: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  private ending = false;
  private done = false;

  constructor(
    private readonly limit: number,
    private readonly socketFull: () => boolean,
    private readonly overflow: () => void,
    private readonly leave: () => void,
  ) {}

  push(result: ExecutionResult): void {
    if (this.done || this.ending) return;
    if (this.socketFull()) return this.overflow();
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      return waiter({ value: result, done: false });
    }
    if (this.queue.length >= this.limit) return this.overflow();
    this.queue.push(result);
  }

  /** Completes after what is queued has been read. */
  complete(): void {
    this.ending = true;
    if (!this.queue.length) this.stop();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.ending || this.done) {
      this.stop();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.stop();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
    this.leave();
  }
}
