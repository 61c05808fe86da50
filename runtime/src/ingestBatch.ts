import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { badUserInput, forbidden } from './errors.ts';
import { requireRole } from './requireRole.ts';
import { appendEvent } from './appendEvent.ts';
import type { RequestSession, Session } from './createRequestSession.ts';

/** What ingesting one item did: `IngestOutcome` in every ingesting subgraph's SDL. */
export type IngestOutcome = 'CREATED' | 'UPDATED' | 'UNCHANGED';

/** An item's own error: the code, the field at fault (`items.3.subject`), what to do. */
export interface IngestItemError {
  code: string;
  field: string | null;
  message: string;
}

export interface IngestItemResult<R> {
  index: number;
  outcome: IngestOutcome | null;
  node: R | null;
  error: IngestItemError | null;
}

export interface IngestBatchResult<R> {
  results: IngestItemResult<R>[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface IngestBatch<I, R, P> {
  /** The mutation's argument that holds the items: item errors name `<argument>.<index>.<field>`. */
  argument: string;
  /** The most items one call takes; a longer batch is refused whole, before anything is written. */
  maxItems: number;
  item: z.ZodType<I>;
  /** The item's natural key ((platform, external id)): a batch may name each item once. */
  keyOf(item: I): string;
  /** The input field a second copy of an item is refused on (default `externalId`). */
  keyField?: (item: I) => string;
  /** Reads what the whole batch needs in one go (the rows it may already hold, the contacts it names). */
  prepare(session: Session, items: I[]): Promise<P>;
  /** The stored row when the item is already held exactly as sent: UNCHANGED, without a savepoint or a statement. */
  unchanged(item: I, prepared: P): R | null;
  /** Writes one valid item under its own savepoint, with its event; says what it did. */
  write(session: Session, item: I, prepared: P): Promise<{ outcome: IngestOutcome; node: R }>;
  /** Input paths of the columns whose name is not the input's (`senderAddress: 'sender.address'`), for database refusals. */
  inputFields?: Record<string, string>;
  /** After the items, with those written (created or updated), e.g. to move the contacts' relationship strength. */
  finish?(session: Session, written: { item: I; outcome: IngestOutcome; node: R }[]): Promise<void>;
}

/**
 * Batched, idempotent ingestion, as connectors and partners bring data in: the caller's role and
 * the batch's size are checked first (over the maximum, nothing is written), then each item is validated, and each valid
 * one is written under its own savepoint, so an invalid or refused item reports its own error (by
 * index and field) and never blocks or half-writes the others. One transaction for the call; its
 * sync job, if named, moves by what the call saw, wrote and failed.
 */
export async function ingestBatch<I, R, P>(
  request: RequestSession,
  rawItems: unknown,
  syncJobId: string | null | undefined,
  spec: IngestBatch<I, R, P>,
): Promise<IngestBatchResult<R>> {
  return request.mutate(async (session) => {
    // Who may ingest first, then the batch's size: over the maximum, nothing is written.
    requireRole(session, 'member');
    const raw = Array.isArray(rawItems) ? rawItems : [];
    if (raw.length > spec.maxItems) throw badUserInput(spec.argument, `${spec.argument}: at most ${spec.maxItems} items per call (got ${raw.length}); split the batch`);
    const results: IngestItemResult<R>[] = raw.map((_, index) => ({ index, outcome: null, node: null, error: null }));
    const valid: { index: number; item: I; key: string }[] = [];
    const seen = new Map<string, number>();
    raw.forEach((value, index) => {
      const parsed = spec.item.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = [spec.argument, index, ...issue.path.map(String)].join('.');
        results[index]!.error = { code: 'BAD_USER_INPUT', field, message: `${field}: ${issue.message}` };
        return;
      }
      // The same item twice in one batch would be written twice (and again on every re-send): the later one is refused.
      const key = spec.keyOf(parsed.data);
      const first = seen.get(key);
      if (first !== undefined) {
        const field = `${spec.argument}.${index}.${spec.keyField?.(parsed.data) ?? 'externalId'}`;
        results[index]!.error = { code: 'BAD_USER_INPUT', field, message: `${field}: the same item as ${spec.argument}.${first}; send each item once per batch` };
        return;
      }
      seen.set(key, index);
      valid.push({ index, item: parsed.data, key });
    });
    const job = syncJobId ? await runningSyncJob(session, syncJobId) : null;
    const prepared = await spec.prepare(session, valid.map((v) => v.item));
    const written: { item: I; outcome: IngestOutcome; node: R }[] = [];
    // In key order: two calls writing the same new items take their locks in the same order.
    const inKeyOrder = [...valid].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    for (const { index, item } of inKeyOrder) {
      const same = spec.unchanged(item, prepared);
      if (same !== null) {
        Object.assign(results[index]!, { outcome: 'UNCHANGED', node: same });
        continue;
      }
      try {
        const done = await request.savepoint(session, (sp) => spec.write(sp, item, prepared), `${spec.argument}.${index}`);
        Object.assign(results[index]!, done);
        written.push({ item, ...done });
      } catch (error) {
        // A refusal is the item's; anything else is a bug of ours and fails the call.
        if (!(error instanceof GraphQLError)) throw error;
        const field = error.extensions.field as string | undefined;
        results[index]!.error = { code: String(error.extensions.code), field: field ? inputField(field, `${spec.argument}.${index}.`, spec.inputFields) : null, message: error.message };
      }
    }
    await spec.finish?.(session, written);
    const count = (outcome: IngestOutcome) => results.filter((r) => r.outcome === outcome).length;
    const summary = { results, created: count('CREATED'), updated: count('UPDATED'), unchanged: count('UNCHANGED'), failed: results.filter((r) => r.error).length };
    if (job) await advanceSyncJob(session, job, { seen: raw.length, written: summary.created + summary.updated, failed: summary.failed });
    return summary;
  });
}

/**
 * A database refusal names a column (`items.3.senderAddress`); the client sent an input field
 * (`items.3.sender.address`). A writer's own refusal names the field within its item (`meetingId`).
 */
function inputField(field: string, prefix: string, inputFields: Record<string, string> = {}): string {
  if (`${field}.` === prefix) return field;
  const rest = field.startsWith(prefix) ? field.slice(prefix.length) : field;
  return prefix + (inputFields[rest] ?? rest);
}

/**
 * The named sync job, which must be running in the caller's workspace and theirs to move: checked
 * (and locked, so it cannot end meanwhile) before any item is written.
 */
async function runningSyncJob(session: Session, id: string): Promise<string> {
  // FOR UPDATE applies the update policy: a job someone else started (and only they may move) is not found here.
  const [mine] = await session.sql<{ id: string }[]>`select id from core.sync_jobs where id = ${id} and status = 'running' for update`;
  if (mine) return mine.id;
  const [job] = await session.sql<{ status: string }[]>`select status from core.sync_jobs where id = ${id}`;
  if (!job) throw badUserInput('syncJobId', 'syncJobId: no such sync job in this workspace');
  if (job.status !== 'running') throw badUserInput('syncJobId', `syncJobId: the sync job is ${job.status}; only a running job takes items`);
  throw forbidden('syncJobId: this sync job is not yours to move');
}

/** Moves a sync job's counts by one call's, with its progress event. */
async function advanceSyncJob(session: Session, id: string, by: { seen: number; written: number; failed: number }): Promise<void> {
  const [row] = await session.sql<{ items_seen: number; items_written: number; items_failed: number }[]>`
    update core.sync_jobs set items_seen = items_seen + ${by.seen}, items_written = items_written + ${by.written}, items_failed = items_failed + ${by.failed}
    where id = ${id} and status = 'running' returning items_seen, items_written, items_failed`;
  if (!row) throw new Error(`advanceSyncJob: sync job ${id} is not writable by this caller`);
  await appendEvent(session, {
    type: 'core.sync_job.progressed', entityId: id,
    payload: { seen: row.items_seen, written: row.items_written, failed: row.items_failed },
  });
}

/**
 * The fingerprint of what a connector sent for one item (not what people did with it since: read,
 * follow-up, archive): the same item sent again matches it and is UNCHANGED, with no write and
 * no event. Keys are sorted, so the order a connector lists fields in does not matter.
 */
export function sourceHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
