import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { createLogger, lexicalVector, localEmbedder, startSearchIndexer, type Embedder } from '@chief/runtime';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { expectData, startTestChief, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { fakeOpenAi } from './support/fakeOpenAi.ts';
import { indexDrained, startTestIndexer } from './support/searchCorpus.ts';
import { until } from './support/until.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

/** `count` contacts made in one operation, with notes that say which they are. */
async function createContacts(chief: TestChief, ws: WorkspaceFixture, prefix: string, count: number): Promise<string[]> {
  const mutations = Array.from({ length: count }, (_, i) => `c${i}: createContact(input: { name: "${prefix} ${i}", notes: "Note ${prefix} number ${i} about the seed round" }) { id }`);
  const made = expectData(await chief.request<Record<string, { id: string }>>(`mutation { ${mutations.join('\n')} }`, {}, { token: ws.users.owner.token }));
  return Object.values(made).map((c) => c.id);
}

describe('the search pipeline against an OpenAI-compatible server', () => {
  const server = fakeOpenAi();
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let indexer: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    const baseUrl = await server.start();
    chief = await startTestChief({ OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-test' });
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Pipeline');
    indexer = await startTestIndexer(chief, [ws.id]);
  });
  afterAll(async () => {
    await indexer?.stop();
    await sql?.end();
    await chief?.stop();
    await server.stop();
  });

  it('retries 429s after their Retry-After and 500s with backoff, and loses nothing', async () => {
    server.requests.length = 0;
    server.script.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '1' } }, { status: 500 });
    const ids = await createContacts(chief, ws, 'Retried', 30);
    const status = await indexDrained(chief, ws.users.owner.token);
    expect(status.embedder).toEqual({ id: 'openai:text-embedding-3-small', kind: 'SEMANTIC', dimensions: 1536 });
    // The first answer (a 429) waited for: the next request a second or more later.
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(1000);
    // Every contact has its own vector, made by the server, of its own text.
    const rows = await sql.unsafe<{ id: string; model: string; text: string; v: string }[]>(
      `select id, embedding_model as model, concat_ws(E'\\n', full_name, notes) as text, embedding::text as v from core.contacts where id = any(${literal(`{${ids.join(',')}}`)}::uuid[])`,
    );
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(row.model).toBe('openai:text-embedding-3-small');
      expect(cosine(JSON.parse(row.v) as number[], lexicalVector(row.text)!)).toBeCloseTo(1, 5);
    }
    // The query is embedded by the same server (the local one would not compare).
    const hits = expectData(await chief.request<{ searchContacts: { embeddedBy: string; matchedBy: string[]; contact: { id: string } }[] }>(
      '{ searchContacts(query: "Retried number 7", first: 1) { embeddedBy matchedBy contact { id } } }', {}, { token: ws.users.owner.token },
    )).searchContacts;
    expect(hits).toEqual([{ embeddedBy: 'openai:text-embedding-3-small', matchedBy: ['VECTOR', 'TEXT'], contact: { id: ids[7] } }]);
  });

  it('records a text the server refuses as that row\'s error, and embeds the rest of its batch', async () => {
    server.refuse(/POISON/);
    server.requests.length = 0;
    try {
      // Written in one operation, so the worker reads them in one batch, the refused text in the middle.
      const names = Array.from({ length: 9 }, (_, i) => (i === 4 ? 'POISON pill' : `Refused ${i}`));
      const made = expectData(await chief.request<Record<string, { id: string }>>(
        `mutation { ${names.map((name, i) => `c${i}: createContact(input: { name: "${name}", notes: "Batch of refusals ${i}" }) { id }`).join('\n')} }`, {}, { token: ws.users.owner.token },
      ));
      const ids = names.map((_, i) => made[`c${i}`]!.id);
      const status = await indexDrained(chief, ws.users.owner.token);
      expect(status.types.find((t) => t.type === 'CONTACT')).toMatchObject({ pending: 0, failed: 1 });
      // The whole batch was refused first, then its halves, down to the one text.
      const refused = server.requests.filter((r) => r.inputs.some((text) => text.includes('POISON')));
      expect(refused[0]!.inputs.length).toBe(9);
      expect(refused.at(-1)!.inputs).toHaveLength(1);
      const rows = await sql.unsafe<{ id: string; embedded: boolean; error: string | null }[]>(
        `select id, embedding is not null as embedded, embedding_error as error from core.contacts where id = any(${literal(`{${ids.join(',')}}`)}::uuid[])`,
      );
      expect(rows.filter((r) => r.embedded).map((r) => r.id).sort()).toEqual(ids.filter((_, i) => i !== 4).sort());
      expect(rows.find((r) => r.id === ids[4])!.error).toMatch(/^the embeddings server refused the text: 400/);
    } finally {
      server.refuse(null);
    }
  });

  it('retries a batch whose every text is refused (the server refuses the requests, not the texts)', async () => {
    server.refuse(/./);
    try {
      await createContacts(chief, ws, 'Everything refused', 4);
      // The job fails (and waits for its retry); no row records an error.
      await until(async () => (await sql.unsafe(`select 1 from pgboss.job where name like 'search.embed.openai-%' and data->>'workspaceId' = ${literal(ws.id)} and state = 'retry'`)).length > 0, { timeoutMs: 20_000, what: 'the job to fail' });
      const [errors] = await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from core.contacts where workspace_id = ${literal(ws.id)} and embedding_error like 'the embeddings server refused%'`);
      expect(errors!.n).toBe(1); // the POISON pill of the test before
    } finally {
      server.refuse(null);
    }
    // Once the server takes them again, the rows are embedded on the job's retry.
    const status = await indexDrained(chief, ws.users.owner.token);
    expect(status.pending).toBe(0);
  }, 60_000);

  it('searches by words alone while the embeddings server is down', async () => {
    server.script.push(...Array.from({ length: 20 }, () => ({ status: 503 })));
    try {
      const hits = expectData(await chief.request<{ searchContacts: { matchedBy: string[] }[] }>(
        '{ searchContacts(query: "Retried number 9 while down", first: 1) { matchedBy } }', {}, { token: ws.users.owner.token },
      )).searchContacts;
      expect(hits).toEqual([{ matchedBy: ['TEXT'] }]);
    } finally {
      server.script.length = 0;
    }
  }, 60_000);
});

describe('a search job interrupted by a restart', () => {
  const embedded = inject('databaseEmbedded');
  let chief: TestChief;
  let sql: OwnerSql;
  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('completes once, on the next worker', async () => {
    const ws = await createWorkspaceFixture(chief, 'Restart');
    const ids = await createContacts(chief, ws, 'Restarted', 10);
    const logger = createLogger('worker', 'silent');
    // A first worker whose embedder never answers: it is stopped mid-job.
    let called!: () => void;
    const calling = new Promise<void>((resolve) => (called = resolve));
    const hanging: Embedder = {
      ...localEmbedder,
      embed: (_texts, { signal } = {}) =>
        new Promise((_, reject) => {
          called();
          signal?.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    };
    const pool1 = createSqlClient(inject('databaseUrl'), { embedded, max: 3 });
    const first = await startSearchIndexer({ sql: pool1, embedded, workspaceIds: [ws.id], logger, embedder: hanging, sweepMs: 200, pollSeconds: 0.5, superviseSeconds: 1, retry: { retryDelaySeconds: 1 } });
    await calling;
    await first.queue.stop(500);
    await first.stop();
    await pool1.end();
    const waiting = await sql.unsafe(`select count(*)::int as n from core.contacts where id = any(${literal(`{${ids.join(',')}}`)}::uuid[]) and embedding is null`);
    expect(waiting[0]!.n).toBe(10);
    // The job the first worker had, stopped mid-run: the next worker takes that job up again.
    const [held] = await sql.unsafe<{ id: string }[]>(`select id from pgboss.job where name = ${literal(first.kind.name)} and data->>'workspaceId' = ${literal(ws.id)} and state in ('active', 'retry')`);
    expect(held).toBeDefined();
    const pool2 = createSqlClient(inject('databaseUrl'), { embedded, max: 3 });
    // The second worker's embedder counts what it is given: each text once, none twice.
    const given: string[] = [];
    const counting: Embedder = { ...localEmbedder, embed: (texts, options) => (given.push(...texts), localEmbedder.embed(texts, options)) };
    const second = await startSearchIndexer({ sql: pool2, embedded, workspaceIds: [ws.id], logger, embedder: counting, sweepMs: 200, pollSeconds: 0.5, superviseSeconds: 1 });
    try {
      await indexDrained(chief, ws.users.owner.token);
      // Each row written once: the batches' events add up to the rows, and no row was written twice.
      const [events] = await sql.unsafe<{ embedded: number }[]>(
        `select coalesce(sum((payload->>'embedded')::int), 0)::int as embedded from ops.events where workspace_id = ${literal(ws.id)} and type = 'core.workspace.search_indexed'`,
      );
      expect(events!.embedded).toBe(10);
      expect(given).toHaveLength(10);
      expect(new Set(given).size).toBe(10);
      // The interrupted job is the one that completes (it finds nothing more to do just after the last write).
      await until(async () => (await second.queue.job(second.kind, held!.id))?.state === 'completed', { timeoutMs: 10_000, what: 'the interrupted job to complete' });
      expect((await second.queue.job(second.kind, held!.id))?.attempts).toBe(2);
      const others = await sql.unsafe<{ state: string }[]>(
        `select state from pgboss.job where name = ${literal(second.kind.name)} and data->>'workspaceId' = ${literal(ws.id)} and id <> ${literal(held!.id)} and state <> 'completed'`,
      );
      expect(others).toEqual([]);
    } finally {
      await second.stop();
      await pool2.end();
    }
  }, 60_000);

  it('backs off a failing job: the sweep queues nothing beside it while it waits to retry', async () => {
    const ws = await createWorkspaceFixture(chief, 'Backoff');
    await createContacts(chief, ws, 'Failing', 3);
    const attempts: number[] = [];
    const failing: Embedder = { ...localEmbedder, embed: async () => (attempts.push(Date.now()), Promise.reject(new Error('the embedder is down'))) };
    const pool = createSqlClient(inject('databaseUrl'), { embedded, max: 3 });
    const worker = await startSearchIndexer({
      sql: pool, embedded, workspaceIds: [ws.id], logger: createLogger('worker', 'silent'), embedder: failing, sweepMs: 100, pollSeconds: 0.5, superviseSeconds: 1,
      retry: { retryLimit: 2, retryDelaySeconds: 4, retryDelayMaxSeconds: 4 },
    });
    try {
      await until(() => attempts.length > 0, { everyMs: 50, what: 'the first attempt' });
      // Twenty sweeps later, still the one attempt: the job waits out its backoff, and no new job runs instead.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(attempts).toHaveLength(1);
      const jobs = await sql.unsafe<{ state: string }[]>(`select state from pgboss.job where name = ${literal(worker.kind.name)} and data->>'workspaceId' = ${literal(ws.id)}`);
      expect(jobs).toEqual([{ state: 'retry' }]);
    } finally {
      await worker.stop();
      await pool.end();
    }
  }, 30_000);
});
