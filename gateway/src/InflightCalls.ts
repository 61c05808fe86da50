/**
 * Identical subgraph queries in flight for the same caller, sent once. A call joins one already in
 * flight only if that one left after the joining client request arrived: its snapshot is then
 * taken within the joiner's own request, so a client that has just written reads its write
 * (a call that left earlier may have read before the write committed).
 */
export class InflightCalls<T> {
  private readonly calls = new Map<string, { sentAt: number; answer: Promise<T> }>();

  /** Runs `send` for `key`, or shares the answer of the same call in flight since `arrivedAt`. */
  run(key: string, arrivedAt: number, send: () => Promise<T>): { answer: Promise<T>; shared: boolean } {
    const inflight = this.calls.get(key);
    if (inflight && inflight.sentAt >= arrivedAt) return { answer: inflight.answer, shared: true };
    const entry = { sentAt: performance.now(), answer: send() };
    this.calls.set(key, entry);
    const forget = () => {
      if (this.calls.get(key) === entry) this.calls.delete(key);
    };
    entry.answer.then(forget, forget);
    return { answer: entry.answer, shared: false };
  }
}
