import WebSocket from 'ws';

/** A process's memory as its own `process.memoryUsage()` tells it, in bytes. */
export interface HeapFigures {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface Inspector {
  /** Collects garbage in full (the heap profiler's GC, as DevTools' button), then reads memoryUsage(). */
  heapAfterGc(): Promise<HeapFigures>;
  close(): void;
}

/**
 * Talks to a process started with `--inspect` over the DevTools protocol: a benchmark can then
 * read the heap of a server it did not build with `--expose-gc`, after a full collection, which
 * is what "memory per idle subscriber" must be measured on (V8 collects lazily otherwise).
 */
export async function connectInspector(url: string): Promise<Inspector> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 0;
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('inspector: the socket closed'));
    pending.clear();
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async heapAfterGc() {
      // Twice: objects that finalizers or weak references kept alive through the first go with the second.
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const result = (await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as { result: { value: string } };
      return JSON.parse(result.result.value) as HeapFigures;
    },
    close: () => socket.close(),
  };
}
