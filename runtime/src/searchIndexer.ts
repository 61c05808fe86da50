import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SqlClient } from '@chief/db';
import type { TransactionSql } from 'postgres';
import type { Identity } from './identity.ts';
import type { Logger } from './createLogger.ts';
import { serializeError } from './createLogger.ts';
import { runOperation } from './createRequestSession.ts';
import { appendEvent } from './appendEvent.ts';
import { chunkText } from './chunkText.ts';
import { isRefusedText, type Embedder } from './embeddings.ts';
import { startJobQueue, type JobKind, type JobQueue } from './jobQueue.ts';
import { sourceNamed, searchSources, type SearchSource } from './searchSources.ts';
import { textArray, uuidArray } from './queries.ts';

/** Rows read, embedded and written at a time: one read, one or a few embedding requests, one write. */
export const EMBED_BATCH_ROWS = 64;
/** How long one job works a backlog before it hands over (the sweep queues the rest). */
const JOB_BUDGET_MS = 30_000;
/** What a row with no words to embed records instead of a vector. */
export const NOTHING_TO_EMBED = 'no words to embed';
/** An embedding_error is at most this long (the tables' check). */
const ERROR_CHARS = 1000;

const embedJobData = z.strictObject({ source: z.enum(Object.values(searchSources).map((s) => s.name) as [string, ...string[]]), workspaceId: z.uuid() });
type EmbedJob = z.infer<typeof embedJobData>;

/**
 * The backlog across workspaces is a SECURITY DEFINER function only the service role may call,
 * called as that role: a session of the service role names one workspace, and this names none.
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

/** A row's vector, or why it has none (`refused`: the embeddings server refused its text). */
type Made = { vector: string; error: null; refused?: false } | { vector: null; error: string; refused?: boolean };

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
   * Only these workspaces' backlog, on a queue of its own: for test suites that share a database,
   * whose workers must not take each other's jobs. Workers so scoped need disjoint sets and no
   * unscoped worker beside them (it would embed the same rows too). Every workspace's unless given.
   */
  workspaceIds?: readonly string[];
  /** The job's retry settings (tests shorten them). */
  retry?: Pick<JobKind<unknown>, 'retryLimit' | 'retryDelaySeconds' | 'retryDelayMaxSeconds' | 'heartbeatSeconds'>;
}

export interface SearchIndexer {
  queue: JobQueue;
  kind: JobKind<EmbedJob>;
  stop(): Promise<void>;
}

/**
 * The search index's background pipeline. A sweep (every second) asks the database which tables
 * and workspaces have rows waiting for this embedder's vector (core.search_backlog) and queues one
 * job for each that has none running or retrying. A job reads a batch of waiting rows as the
 * service role of that workspace, lets the connection go, embeds (long texts in overlapping
 * passages, averaged), and writes the vectors in a new transaction, each only if the row still
 * waits with the text that was embedded, with an event per batch that the index status
 * subscription follows. A failure is retried with backoff by the queue; a text the embeddings
 * server refuses (400, 413, 422) is found by halving the batch, and recorded as the row's error.
 */
export async function startSearchIndexer(options: SearchIndexerOptions): Promise<SearchIndexer> {
  const { sql, embedded, logger, embedder, sweepMs = 1000 } = options;
  const log = logger.child({ component: 'search-indexer', embedder: embedder.id });
  const scope = options.workspaceIds && new Set(options.workspaceIds);

  const kind: JobKind<EmbedJob> = {
    // A queue per embedder: a job is "embed these rows with this embedder", and a worker of another
    // (a deployment changing embedders, one replica behind) must not take it. A worker for some
    // workspaces has a queue of its own, named by them.
    name: `search.embed.${embedder.id.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}${scope ? `.${scopeTag(scope)}` : ''}`,
    data: embedJobData,
    byKey: true,
    concurrency: 2,
    retryLimit: 8,
    retryDelaySeconds: 2,
    retryDelayMaxSeconds: 300,
    ...options.retry,
    handle: (job, run) => embedBacklog(job, run.signal),
  };

  /** Vectors for the rows, or why a row has none: a text the server refuses is found by halving the batch. */
  async function embedRows(rows: PendingRow[], signal: AbortSignal): Promise<Made[]> {
    const passages = rows.map((row) => chunkText(row.text).map((p) => p.text));
    let vectors: (number[] | null)[];
    try {
      ({ vectors } = await embedder.embed(passages.flat(), { signal }));
    } catch (error) {
      if (!isRefusedText(error)) throw error;
      if (rows.length === 1) {
        log.warn({ err: serializeError(error), row: rows[0]!.id }, 'the embeddings server refused a text');
        return [{ vector: null, error: `the embeddings server refused the text: ${(error as Error).message}`.slice(0, ERROR_CHARS), refused: true }];
      }
      const half = Math.ceil(rows.length / 2);
      return [...(await embedRows(rows.slice(0, half), signal)), ...(await embedRows(rows.slice(half), signal))];
    }
    let at = 0;
    return passages.map((texts) => {
      const found = vectors.slice(at, (at += texts.length)).filter((v): v is number[] => v !== null);
      return found.length ? { vector: `[${meanVector(found).join(',')}]`, error: null } : { vector: null, error: NOTHING_TO_EMBED };
    });
  }

  async function embedBacklog({ source: name, workspaceId }: EmbedJob, signal: AbortSignal) {
    const source = sourceNamed(name)!;
    const started = performance.now();
    while (!signal.aborted && performance.now() - started < JOB_BUDGET_MS) {
      const rows = await runOperation(sql, serviceOf(workspaceId), (r) => r.run((s) => s.sql.unsafe<PendingRow[]>(pendingQuery(source), [EMBED_BATCH_ROWS, embedder.id])));
      if (!rows.length) return;
      const results = await embedRows(rows, signal);
      // A server that refuses every text of a batch refuses the requests, not the texts (a model it
      // lacks, a setting it does not take): the job fails and is retried, the rows keep waiting.
      if (rows.length > 1 && results.every((x) => x.refused)) throw new Error(`the embeddings server refused all ${rows.length} texts of a batch: ${results[0]!.error}`);
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

  /** Looks at the backlog once and queues a job for each table and workspace with rows waiting and no job running or retrying. */
  async function sweep(): Promise<number> {
    const backlog = await asServiceRole(sql, (tx) => tx<{ source: string; workspace_id: string }[]>`select source, workspace_id from core.search_backlog(${embedder.id})`);
    const busy = backlog.length ? await queue.busyKeys(kind) : new Set<string>();
    let queued = 0;
    for (const { source, workspace_id: workspaceId } of backlog) {
      const key = `${source}:${workspaceId}`;
      if ((scope && !scope.has(workspaceId)) || busy.has(key)) continue;
      if (await queue.send(kind, { source, workspaceId }, { key })) queued++;
    }
    return queued;
  }

  const queue = await startJobQueue({ sql, embedded, logger, kinds: [kind], work: true, pollSeconds: options.pollSeconds, superviseSeconds: options.superviseSeconds });
  let stopped = false;
  let sweeping: Promise<unknown> | null = null;
  // A sweep slower than the interval skips the ticks it overlaps rather than queueing them up.
  const timer = setInterval(() => {
    if (stopped || sweeping) return;
    sweeping = sweep()
      .catch((error) => log.warn({ err: serializeError(error) }, 'search backlog sweep failed'))
      .finally(() => (sweeping = null));
  }, sweepMs);
  timer.unref();
  log.info('search indexer started');

  return {
    queue,
    kind,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await sweeping;
      await queue.stop();
    },
  };
}

/** A short, stable name for a set of workspaces. */
const scopeTag = (ids: Set<string>) => createHash('sha256').update([...ids].sort().join(',')).digest('hex').slice(0, 12);

/** A row waits for embedder `$E` (SQL) with no vector and no error, or another embedder's vector (as core.search_backlog reads it). */
const waitsFor = (e: string) => `((r.embedding is null and r.embedding_error is null) or (r.embedding is not null and (r.embedding_model < ${e} or r.embedding_model > ${e})))`;

/** A batch of a workspace's rows waiting for a vector, with their text and its fingerprint. */
const pendingQuery = (source: SearchSource) => `
  select r.id, ${source.embedText} as text, md5(${source.embedText}) as hash from ${source.table} r
  where r.workspace_id = (select auth.workspace_id()) and ${waitsFor('$2')}
  limit $1`;

/**
 * Writes a batch's vectors (or why a row has none), each only if the row still waits and its text
 * is the one embedded: a row changed meanwhile waits again (its trigger cleared it) and is read
 * anew, and a row another job wrote meanwhile is not written twice.
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
      and ${waitsFor('$5')} and md5(${source.embedText}) = made.hash
    returning r.embedding is not null as embedded
  )
  select count(*) filter (where embedded) as embedded, count(*) filter (where not embedded) as failed from written`;
