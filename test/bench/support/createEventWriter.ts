import { now } from './subscriberFleet.ts';

const TOUCH = `mutation Touch($id: ID!, $title: String!) { updateTask(id: $id, input: { title: $title }) { id } }`;

export interface EventWriter {
  /** Writes to every workspace once a second through `url`, the workspaces spread over the second, until `stop`. */
  start(url: string, authorization: (workspace: number) => string): void;
  /** Stops, once the updates in flight have returned; throws the first failed one. */
  stop(): Promise<void>;
  /** Updates started so far in a workspace: the next one's ordinal. */
  started(workspace: number): number;
  /** Updates that have returned so far in a workspace. */
  returned(workspace: number): number;
  /**
   * When each update of a workspace returned (see `now`), by ordinal: the n-th update of a
   * workspace is its n-th event in log order, since each starts once the one before returned.
   */
  returnedAt(workspace: number): readonly number[];
}

/**
 * The benchmark's source of events: an update of each workspace's hot task every second, through
 * a gateway as a client makes it, one workspace after another across the second. The updates of
 * one workspace never overlap (one late update delays the next instead of running beside it).
 */
export function createEventWriter(hotTaskIds: string[]): EventWriter {
  const returnedAt = hotTaskIds.map(() => [] as number[]);
  const started = hotTaskIds.map(() => 0);
  let running: Promise<void>[] = [];
  let stopping = false;
  let failure: Error | undefined;

  const update = async (url: string, authorization: string, w: number) => {
    const ordinal = started[w]!++;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: TOUCH, variables: { id: hotTaskIds[w], title: `hot ${ordinal + 1}` } }),
      // An update that hangs fails the run instead of stalling it.
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await response.json()) as { data?: { updateTask?: { id: string } | null }; errors?: unknown };
    if (!body.data?.updateTask) throw new Error(`the update of workspace ${w} failed: ${response.status} ${JSON.stringify(body.errors)}`);
    returnedAt[w]!.push(now());
  };
  const loop = async (url: string, authorization: (workspace: number) => string, w: number) => {
    let next = now() + (1000 * w) / hotTaskIds.length;
    while (!stopping && !failure) {
      await new Promise((wait) => setTimeout(wait, Math.max(0, next - now())));
      if (stopping) return;
      try {
        await update(url, authorization(w), w);
      } catch (error) {
        failure ??= error as Error;
        return;
      }
      next = Math.max(next + 1000, now());
    }
  };
  return {
    start(url, authorization) {
      if (running.length) throw new Error('the event writer is running already');
      stopping = false;
      failure = undefined;
      running = hotTaskIds.map((_, w) => loop(url, authorization, w));
    },
    async stop() {
      stopping = true;
      await Promise.all(running);
      running = [];
      if (failure) throw failure;
    },
    started: (w) => started[w]!,
    returned: (w) => returnedAt[w]!.length,
    returnedAt: (w) => returnedAt[w]!,
  };
}
