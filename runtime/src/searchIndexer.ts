import { z } from 'zod';
import type { SqlClient } from '@chief/db';
import type { TransactionSql } from 'postgres';
import type { Identity } from './identity.ts';
import type { Logger } from './createLogger.ts';
import { serializeError } from './createLogger.ts';
import { runOperation } from './createRequestSession.ts';
import { appendEvent } from './appendEvent.ts';
import { chunkText } from './chunkText.ts';
import type { Embedder } from './embeddings.ts';
import { startJobQueue, type JobKind, type JobQueue } from './jobQueue.ts';
import { sourceNamed, searchSources, type SearchSource } from './searchSources.ts';
import { textArray, uuidArray } from './queries.ts';

/** Rows read, embedded and written at a time: one read, one or a few embedding requests, one write. */
export const EMBED_BATCH_ROWS = 64;
/** How long one job works a backlog before it hands over (the sweep queues the rest). */
const JOB_BUDGET_MS = 30_000;
/** What a row with no words to embed records instead of a vector. */
export const NOTHING_TO_EMBED = 'no words to embed';

const embedJobData = z.strictObject({ source: z.enum(Object.values(searchSources).map((s) => s.name) as [string, ...string[]]), workspaceId: z.uuid() });
type EmbedJob = z.infer<typeof embedJobData>;

/**
 * Work across workspaces (the backlog's counts, forgetting another embedder's vectors) is two
 * SECURITY DEFINER functions only the service role may call, called as that role: a session of
 * the service role names one workspace, and these name none.
 */
const asServiceRole = <T>(sql: SqlClient, fn: (tx: TransactionSql) => Promise<T>) =>
  sql.begin(async (tx) => {
    await tx`select set_config('role', 'chief_service', true)`;
    return fn(tx);
  }) as Promise<T>;

const serviceOf = (workspaceId: string): Identity => ({ kind: 'service', userId: null, workspaceId, scopes: [] });

/** The mean of a row's passage vectors, of unit length again (cosine search compares directions). */
function meanVector(vectors: number[][]): number[] {
  const mean = new Array<number>(vectors[0]!.length).fill(0);
  for (const v of vectors) for (let i = 0; i < v.length; i++) mean[i]! += v[i]!;
  const norm = Math.hypot(...mean) || 1;
  return mean.map((x) => x / norm);
}

interface PendingRow {
  id: string;
  text: string;
  hash: string;
}

export interface SearchIndexerOptions {
  sql: SqlClient;
  embedded: boolean;
  logger: Logger;
  embedder: Embedder;
  /** How often the backlog is looked at, in milliseconds (1000 unless given). */
  sweepMs?: number;
  /** How often an idle worker asks for jobs, in seconds (1 unless given). */
  pollSeconds?: number;
  /** How often lost jobs are looked for, in seconds (see startJobQueue). */
  superviseSeconds?: number;
  /**
   * Only these workspaces' backlog (a worker dedicated to some tenants; the tests, which share a
   * database); every workspace's unless given.
   */
  workspaceIds?: readonly string[];
  /** The job's retry settings (tests shorten them). */
  retry?: Pick<JobKind<unknown>, 'retryLimit' | 'retryDelaySeconds' | 'retryDelayMaxSeconds' | 'heartbeatSeconds'>;
}

export interface SearchIndexer {
  queue: JobQueue;
  kind: JobKind<EmbedJob>;
  /** Looks at the backlog once and queues a job for each table and workspace with rows waiting. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The search index's background pipeline. A sweep (every second) asks the database which
 * workspaces have rows waiting for a vector (core.search_backlog) and queues one job per table and
 * workspace on the job queue (one waits and one runs per key, so sweeping often queues nothing
 * twice). A job reads a batch of waiting rows as the service role of that workspace, lets the
 * connection go, embeds (long texts in overlapping passages, averaged), and writes the vectors in a
 * new transaction, each only if the row's text is still the one embedded, with an event per batch
 * that the index status subscription follows. Failures are retried with backoff by the queue.
 */
export async function startSearchIndexer(options: SearchIndexerOptions): Promise<SearchIndexer> {
  const { sql, embedded, logger, embedder, sweepMs = 1000 } = options;
  const log = logger.child({ component: 'search-indexer', embedder: embedder.id });

  const kind: JobKind<EmbedJob> = {
    // A queue per embedder: a job is "embed these rows with this embedder", and a worker of another
    // (a deployment changing embedders, one replica behind) must not take it.
    name: `search.embed.${embedder.id.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}`,
    data: embedJobData,
    byKey: true,
    concurrency: 2,
    retryLimit: 8,
    retryDelaySeconds: 2,
    retryDelayMaxSeconds: 300,
    ...options.retry,
    handle: (job, run) => embedBacklog(job, run.signal),
  };

  async function embedBacklog({ source: name, workspaceId }: EmbedJob, signal: AbortSignal) {
    const source = sourceNamed(name)!;
    const started = performance.now();
    while (!signal.aborted && performance.now() - started < JOB_BUDGET_MS) {
      const rows = await runOperation(sql, serviceOf(workspaceId), (r) => r.run((s) => s.sql.unsafe<PendingRow[]>(pendingQuery(source), [EMBED_BATCH_ROWS])));
      if (!rows.length) return;
      const passages = rows.map((row) => chunkText(row.text).map((p) => p.text));
      const { vectors } = await embedder.embed(passages.flat(), { signal });
      let at = 0;
      const results = passages.map((texts) => {
        const found = vectors.slice(at, (at += texts.length)).filter((v): v is number[] => v !== null);
        return found.length ? { vector: `[${meanVector(found).join(',')}]`, error: null } : { vector: null, error: NOTHING_TO_EMBED };
      });
      await runOperation(sql, serviceOf(workspaceId), (r) =>
        r.write(async (session) => {
          const [written] = await session.sql.unsafe<{ embedded: string; failed: string }[]>(writeQuery(source), [
            uuidArray(rows.map((row) => row.id)),
            textArray(rows.map((row) => row.hash)),
            textArray(results.map((x) => x.vector ?? '')),
            textArray(results.map((x) => x.error ?? '')),
            embedder.id,
          ]);
          const embeddedCount = Number(written?.embedded ?? 0);
          const failed = Number(written?.failed ?? 0);
          if (embeddedCount + failed > 0) {
            await appendEvent(session, { type: 'core.workspace.search_indexed', entityId: workspaceId, payload: { source: source.type, embedded: embeddedCount, failed, embedder: embedder.id } });
          }
        }),
      );
    }
  }

  async function sweep(): Promise<number> {
    const backlog = await asServiceRole(sql, (tx) => tx<{ source: string; workspace_id: string }[]>`select source, workspace_id from core.search_backlog()`);
    let queued = 0;
    for (const { source, workspace_id: workspaceId } of backlog) {
      if (scope && !scope.has(workspaceId)) continue;
      if (await queue.send(kind, { source, workspaceId }, { key: `${source}:${workspaceId}` })) queued++;
    }
    return queued;
  }

  const scope = options.workspaceIds && new Set(options.workspaceIds);
  const only = options.workspaceIds ? uuidArray(options.workspaceIds) : null;
  const forgotten = await asServiceRole(sql, (tx) => tx<{ n: string }[]>`select core.search_forget_other_embedders(${embedder.id}, ${only}::uuid[]) as n`);
  if (Number(forgotten[0]?.n ?? 0) > 0) log.info({ rows: Number(forgotten[0]!.n) }, 'vectors of another embedder queued to be made again');

  const queue = await startJobQueue({ sql, embedded, logger, kinds: [kind], work: true, pollSeconds: options.pollSeconds, superviseSeconds: options.superviseSeconds });
  let stopped = false;
  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sweeping = sweeping.then(() => (stopped ? 0 : sweep())).catch((error) => log.warn({ err: serializeError(error) }, 'search backlog sweep failed'));
  }, sweepMs);
  timer.unref();
  log.info('search indexer started');

  return {
    queue,
    kind,
    sweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
      await queue.stop();
    },
  };
}

/** A batch of a workspace's rows waiting for a vector, with their text and its fingerprint. */
const pendingQuery = (source: SearchSource) => `
  select r.id, ${source.embedText} as text, md5(${source.embedText}) as hash from ${source.table} r
  where r.workspace_id = (select auth.workspace_id()) and r.embedding is null and r.embedding_error is null
  limit $1`;

/**
 * Writes a batch's vectors (or why a row has none), each only if the row still waits and its text
 * is the one embedded: a row changed meanwhile waits again (its trigger cleared it) and is read anew.
 */
const writeQuery = (source: SearchSource) => `
  with made as (
    select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) as m(id, hash, vector, error)
  ), written as (
    update ${source.table} r set
      embedding = nullif(made.vector, '')::vector,
      embedding_model = case when made.vector <> '' then $5 end,
      embedded_at = case when made.vector <> '' then now() end,
      embedding_error = nullif(made.error, '')
    from made
    where r.id = made.id and r.workspace_id = (select auth.workspace_id())
      and r.embedding is null and r.embedding_error is null and md5(${source.embedText}) = made.hash
    returning r.embedding is not null as embedded
  )
  select count(*) filter (where embedded) as embedded, count(*) filter (where not embedded) as failed from written`;
