import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createSqlClient, runMigrations, startEmbeddedPostgres, type SqlClient } from '@chief/db';
import {
  createLogger, hybridSearch, loadConfig, localEmbedder, lexicalVector, runOperation, startSearchIndexer, EMBEDDING_DIMENSIONS, type SearchRequest, type SearchType,
} from '@chief/runtime';
import { startChief } from '../../scripts/startChief.ts';
import { fakeOpenAi } from '../support/fakeOpenAi.ts';

/**
 * `npm run bench:search`, on the embedded PGlite (WASM, single-threaded) or on DATABASE_URL:
 *
 * 1. recall: BENCH_VECTORS (100,000) synthetic 1536-dimensional vectors in BENCH_CLUSTERS (200)
 *    clusters (fixed seed), as contacts of 22 workspaces: one holds 0.5% of the rows, one 10%, the
 *    rest share the remainder. Recall@10 against exact search (computed here, in JavaScript) and
 *    p50/p99 latency for 100 queries: the HNSW index unfiltered; the small workspace through
 *    hybridSearch (exact at its size), and forced through HNSW with and without iterative scans;
 *    the 10% workspace through hybridSearch (HNSW with iterative scans).
 * 2. pipeline: BENCH_TEXTS (2,000) contacts embedded by the worker through the real `openai`
 *    client against a local OpenAI-compatible server that answers a 429 (Retry-After: 1) every
 *    BENCH_429_EVERY (10th) request: texts per second; then the lag from a contact written through
 *    the API to it being found by its vector, 20 times.
 * 3. ranking: nDCG@10 and precision@5 (relevant hits among the first 5) of hybrid, vector-only and words-only search on the labelled
 *    set below, with the local embedder.
 * BENCH_ONLY=recall|pipeline|ranking runs one part.
 */
const ROWS = Number(process.env.BENCH_VECTORS ?? 100_000);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 200);
const TEXTS = Number(process.env.BENCH_TEXTS ?? 2_000);
const EVERY_429 = Number(process.env.BENCH_429_EVERY ?? 10);
const ONLY = process.env.BENCH_ONLY;
const QUERIES = 100;
const K = 10;
const databaseUrl = process.env.DATABASE_URL;
const where = databaseUrl ? 'native Postgres (DATABASE_URL)' : 'PGlite (WASM, single-threaded)';

const pgliteDir = mkdtempSync(join(tmpdir(), 'chief-bench-search-'));
process.on('exit', () => rmSync(pgliteDir, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so every run has the same vectors. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(42);
const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
const normalized = (v: Float32Array) => {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
};
const noisy = (center: Float32Array, sigma: number) => normalized(Float32Array.from(center, (x) => x + sigma * gaussian()));
const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const text = (v: Float32Array) => `[${Array.from(v, (x) => x.toFixed(6)).join(',')}]`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function openDatabase(): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (databaseUrl) return { url: databaseUrl, embedded: false, stop: async () => {} };
  const pg = await startEmbeddedPostgres({ dataDir: pgliteDir });
  return { url: pg.url, embedded: true, stop: () => pg.stop() };
}

async function makeWorkspace(sql: SqlClient, name: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into core.workspaces (name, slug, created_by_user_id) values (${name}, ${`${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}`}, 'bench') returning id`;
  return row!.id;
}

/** A search as the service role of a workspace, through hybridSearch: ids best first, and the time it took. */
async function timedSearch(sql: SqlClient, workspaceId: string, request: Omit<SearchRequest, 'embedderId' | 'minSimilarity'> & Partial<SearchRequest>) {
  const started = performance.now();
  const hits = await runOperation(sql, { kind: 'service', userId: null, workspaceId, scopes: [] }, (r) =>
    r.run((s) => hybridSearch(s, { embedderId: 'bench', minSimilarity: -1, ...request })),
  );
  return { ids: hits.map((h) => h.entityId), ms: performance.now() - started };
}

async function recall() {
  const db = await openDatabase();
  await runMigrations(db.url);
  const sql = createSqlClient(db.url, { embedded: db.embedded, max: 4 });
  const centers = Array.from({ length: CLUSTERS }, () => normalized(Float32Array.from({ length: EMBEDDING_DIMENSIONS }, gaussian)));
  const small = await makeWorkspace(sql, 'Small');
  const mid = await makeWorkspace(sql, 'Mid');
  const others = await Promise.all(Array.from({ length: 20 }, (_, i) => makeWorkspace(sql, `Other ${i}`)));
  const smallRows = Math.round(ROWS * 0.005);
  const midRows = Math.round(ROWS * 0.1);
  const ids: string[] = [];
  const owners: string[] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < ROWS; i++) {
    ids.push(randomUUID());
    owners.push(i < smallRows ? small : i < smallRows + midRows ? mid : others[i % others.length]!);
    vectors.push(noisy(centers[Math.floor(next() * CLUSTERS)]!, 0.02));
  }
  // Bulk load as one would: the HNSW index (the migrations' own definition) dropped, then built once.
  const [index] = await sql<{ indexdef: string }[]>`select indexdef from pg_indexes where indexname = 'ix_contacts_embedding'`;
  await sql`drop index core.ix_contacts_embedding`;
  const loadStarted = performance.now();
  const BATCH = 250;
  for (let i = 0; i < ROWS; i += BATCH) {
    const slice = ids.slice(i, i + BATCH).map((id, j) => ({ id, workspace: owners[i + j]!, v: text(vectors[i + j]!) }));
    await sql`insert into core.contacts (id, workspace_id, full_name, embedding, embedding_model, embedded_at)
      select id, workspace_id, 'Synthetic', v::vector, 'bench', now()
      from unnest(${`{${slice.map((r) => r.id).join(',')}}`}::uuid[], ${`{${slice.map((r) => r.workspace).join(',')}}`}::uuid[], ${`{${slice.map((r) => `"${r.v}"`).join(',')}}`}::text[]) as t(id, workspace_id, v)`;
    if ((i / BATCH) % 40 === 0) process.stdout.write(`  loaded ${i} of ${ROWS} vectors\r`);
  }
  const loaded = performance.now();
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local maintenance_work_mem = '${process.env.BENCH_MAINTENANCE_WORK_MEM ?? (databaseUrl ? '2GB' : '1GB')}'`);
    await tx.unsafe(index!.indexdef);
  });
  await sql`analyze core.contacts`;
  console.log(`\nrecall: ${ROWS.toLocaleString('en')} vectors in ${CLUSTERS} clusters loaded in ${((loaded - loadStarted) / 1000).toFixed(0)} s, HNSW (m 16, ef_construction 64) built in ${((performance.now() - loaded) / 1000).toFixed(0)} s on ${where}`);

  // Queries: noisy copies of random rows, so each falls in some cluster (not always the small workspace's).
  const queries = Array.from({ length: QUERIES }, () => noisy(vectors[Math.floor(next() * ROWS)]!, 0.02));
  const exact = (q: Float32Array, owner?: string) =>
    vectors
      .map((v, i) => ({ i, s: owner && owners[i] !== owner ? -Infinity : dot(q, v) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, K)
      .map(({ i }) => ids[i]!);
  const truth = { all: queries.map((q) => exact(q)), small: queries.map((q) => exact(q, small)), mid: queries.map((q) => exact(q, mid)) };
  const recallOf = (found: string[][], expected: string[][]) => found.reduce((sum, f, i) => sum + f.filter((id) => expected[i]!.includes(id)).length / K, 0) / found.length;

  const rows: string[][] = [];
  const measure = async (label: string, run: (q: Float32Array) => Promise<{ ids: string[]; ms: number }>, expected: string[][]) => {
    await run(queries[0]!);
    const results = [];
    for (const q of queries) results.push(await run(q));
    const times = results.map((r) => r.ms);
    rows.push([label, recallOf(results.map((r) => r.ids), expected).toFixed(3), ms(percentile(times, 50)), ms(percentile(times, 99))]);
  };
  const raw = (settings: string, owner?: string) => async (q: Float32Array) => {
    const started = performance.now();
    const found = await sql.begin(async (tx) => {
      await tx.unsafe(settings);
      // workspace_id as text, and no sequential scan: the HNSW index is what orders the rows (not the workspace's btree).
      return tx.unsafe<{ id: string }[]>(`select id from core.contacts ${owner ? 'where workspace_id::text = $2' : ''} order by embedding <=> $1::vector limit ${K}`, owner ? [text(q), owner] : [text(q)]);
    });
    return { ids: found.map((r) => r.id), ms: performance.now() - started };
  };
  const vectorOnly = (workspaceId: string, exactSearchMaxRows?: number) => (q: Float32Array) =>
    timedSearch(sql, workspaceId, { types: ['CONTACT'], text: null, vector: Array.from(q), first: K, exactSearchMaxRows });
  for (const ef of [40, 100, 200, 400]) await measure(`unfiltered, HNSW (ef_search ${ef})`, raw(`select set_config('hnsw.ef_search', '${ef}', true)`), truth.all);
  await measure(`0.5% workspace (${smallRows} rows), hybridSearch: exact`, vectorOnly(small), truth.small);
  await measure('0.5% workspace, HNSW with iterative scans (forced)', vectorOnly(small, 0), truth.small);
  await measure('0.5% workspace, HNSW without iterative scans', raw(`select set_config('hnsw.iterative_scan', 'off', true), set_config('hnsw.ef_search', '100', true), set_config('enable_seqscan', 'off', true)`, small), truth.small);
  const hnswScans = async () => Number((await sql`select idx_scan from pg_stat_user_indexes where indexrelname = 'ix_contacts_embedding'`)[0]?.idx_scan ?? 0);
  const scansBefore = await hnswScans();
  await measure(`10% workspace (${midRows} rows), hybridSearch: HNSW + iterative`, vectorOnly(mid), truth.mid);
  const midScans = (await hnswScans()) - scansBefore;
  await measure('10% workspace, exact (forced)', vectorOnly(mid, ROWS), truth.mid);
  console.table(rows.map(([what, r, p50, p99]) => ({ what, 'recall@10': r, p50, p99 })));
  console.log(`the 10% workspace's ${QUERIES + 1} searches used the HNSW index ${midScans} times (the planner's choice; the rest read the workspace's rows and sorted)`);
  await sql.end();
  await db.stop();
}

const SECRET = 'bench-secret-bench-secret-bench-secret-01';
const token = (userId: string, workspaceId: string) =>
  new SignJWT({ wid: workspaceId }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

async function pipeline() {
  const server = fakeOpenAi();
  const baseUrl = await server.start();
  const config = loadConfig({
    PGLITE_DATA_DIR: join(pgliteDir, 'pipeline'), NODE_ENV: 'production', LOG_LEVEL: 'silent', DEMO_DATA: 'false', AUTH_JWT_SECRET: SECRET,
    SUBGRAPH_SECRET: 'bench-subgraph-secret-bench-subgraph-0123', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    API_KEY_SECRET: 'bench-api-key-secret-bench-api-key-secret', RATE_LIMIT_USER_MAX: '1000000', MAX_QUERY_COST: '1000000',
    OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'sk-bench', EMBEDDINGS_REQUESTS_PER_MINUTE: process.env.EMBEDDINGS_REQUESTS_PER_MINUTE ?? '6000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const ports = Object.fromEntries(Object.keys(config.ports).map((name) => [name, 0])) as typeof config.ports;
  const chief = await startChief({ config, ports });
  const owner = createSqlClient(chief.databaseUrl, { embedded: !databaseUrl, max: 2 });
  // One 429 (Retry-After: 1) every EVERY_429 requests.
  let seen = 0;
  const inject = setInterval(() => {
    while (seen + EVERY_429 <= server.requests.length) {
      seen += EVERY_429;
      server.script.push({ status: 429, headers: { 'retry-after': '1' } });
    }
  }, 20);
  try {
    const workspaceId = await makeWorkspace(owner, 'Pipeline');
    const userId = `bench-${randomUUID()}`;
    await owner`insert into core.members (workspace_id, user_id, role, display_name) values (${workspaceId}, ${userId}, 'owner', 'Bench')`;
    const requestsBefore = server.requests.length;
    const started = performance.now();
    await owner`insert into core.contacts (workspace_id, full_name, notes)
      select ${workspaceId}, 'Contact ' || n, 'Met at the seed round dinner; interested in note ' || n || ' about runway and hiring' from generate_series(1, ${TEXTS}) n`;
    for (;;) {
      const [left] = await owner.begin((tx) => tx<{ n: number }[]>`select count(*)::int as n from core.contacts where workspace_id = ${workspaceId} and embedding is null and embedding_error is null`);
      if (left!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const requests = server.requests.slice(requestsBefore);
    const limited = Math.floor(requests.length / EVERY_429);
    console.log(`\npipeline on ${where}: ${TEXTS} texts embedded in ${seconds.toFixed(1)} s = ${(TEXTS / seconds).toFixed(0)} texts/s, ${requests.length} requests of which about ${limited} answered 429 (Retry-After: 1), EMBEDDINGS_REQUESTS_PER_MINUTE ${config.embeddings.requestsPerMinute}`);

    const jwt = await token(userId, workspaceId);
    const ask = async <T>(query: string, variables: Record<string, unknown>) => {
      const response = await fetch(chief.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    const lags: number[] = [];
    for (let i = 0; i < 20; i++) {
      const word = `zebra${i}quokka`;
      const written = performance.now();
      const { createContact } = await ask<{ createContact: { id: string } }>('mutation($n: String!) { createContact(input: { name: "Lag", notes: $n }) { id } }', { n: `Notes on ${word}` });
      for (;;) {
        const { searchContacts } = await ask<{ searchContacts: { matchedBy: string[]; contact: { id: string } }[] }>('query($q: String!) { searchContacts(query: $q, first: 1) { matchedBy contact { id } } }', { q: word });
        if (searchContacts[0]?.contact.id === createContact.id && searchContacts[0].matchedBy.includes('VECTOR')) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      lags.push(performance.now() - written);
    }
    console.log(`write → found by its vector (SEARCH_SWEEP_MS ${config.searchIndexer.sweepMs}): p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(Math.max(...lags))}`);
  } finally {
    clearInterval(inject);
    await owner.end();
    await chief.stop();
    await server.stop();
  }
}

/** The labelled set: documents of three types, and for each query the documents that answer it. */
const DOCUMENTS: Record<string, { type: 'contact' | 'communication' | 'insight'; title: string; body: string }> = {
  d1: { type: 'contact', title: 'Ada Lovelace', body: 'Angel investor in fintech; asks about our burn rate every quarter.' },
  d2: { type: 'contact', title: 'Grace Hopper', body: 'Engineering advisor; helps with hiring senior engineers.' },
  d3: { type: 'contact', title: 'Linus Pauling', body: 'Chemist working on vitamin research.' },
  d4: { type: 'contact', title: 'Katherine Johnson', body: 'Leads investments at Orbit Ventures; we met at the seed round.' },
  d5: { type: 'contact', title: 'Alan Turing', body: 'Cryptography consultant who runs security audits.' },
  d6: { type: 'communication', title: 'Term sheet from Orbit Ventures', body: 'Attached is the term sheet for the seed round, with the valuation cap and pro-rata rights.' },
  d7: { type: 'communication', title: 'Re: hiring plan', body: 'We need to hire two backend engineers and a designer before March.' },
  d8: { type: 'communication', title: 'Lunch?', body: 'Tacos on Friday near the office?' },
  d9: { type: 'communication', title: 'Monthly burn', body: 'Our burn went up to 180k a month; runway is now 14 months.' },
  d10: { type: 'communication', title: 'Security review', body: 'The penetration test found two issues in the login flow.' },
  d11: { type: 'communication', title: 'Fundraising update', body: 'We are fundraising: twelve investor meetings are booked for next week.' },
  d12: { type: 'communication', title: 'Customer churn', body: 'Three customers cancelled this month; churn rose to 4 percent.' },
  d13: { type: 'insight', title: 'Burn rate rising', body: 'Monthly burn grew 20% while revenue stayed flat.' },
  d14: { type: 'insight', title: 'Hiring is behind plan', body: 'Only one of five planned engineering hires has signed.' },
  d15: { type: 'insight', title: 'Churn risk in enterprise accounts', body: 'Two enterprise customers stopped logging in.' },
  d16: { type: 'insight', title: 'Investor interest is high', body: 'Four funds asked for the deck after demo day.' },
  d17: { type: 'communication', title: 'Office move', body: 'The new office lease starts in April.' },
  d18: { type: 'contact', title: 'Marie Curie', body: 'Radiology research; a potential scientific advisor.' },
  d19: { type: 'communication', title: 'Board meeting agenda', body: 'Agenda: runway, the hiring plan, churn numbers.' },
  d20: { type: 'insight', title: 'Security posture', body: 'The login flow needs two-factor authentication.' },
};
const LABELLED: { query: string; relevant: string[] }[] = [
  { query: 'how much runway do we have left', relevant: ['d9', 'd19', 'd13'] },
  { query: 'fundraisng with investors', relevant: ['d11', 'd16', 'd6', 'd1', 'd4'] },
  { query: 'hiring engineers', relevant: ['d7', 'd14', 'd2', 'd19'] },
  { query: 'customer churn', relevant: ['d12', 'd15', 'd19'] },
  { query: 'security audit of the login', relevant: ['d10', 'd20', 'd5'] },
  { query: 'seed round term sheet', relevant: ['d6', 'd4'] },
  { query: 'who invests in fintech', relevant: ['d1'] },
  { query: 'burn rate', relevant: ['d9', 'd13', 'd1'] },
  { query: 'enterprise customers cancelling', relevant: ['d15', 'd12'] },
  { query: 'vitamin chemistry', relevant: ['d3'] },
];

async function ranking() {
  const db = await openDatabase();
  await runMigrations(db.url);
  const sql = createSqlClient(db.url, { embedded: db.embedded, max: 4 });
  const workspaceId = await makeWorkspace(sql, 'Labelled');
  const keyOf = new Map<string, string>();
  for (const [key, doc] of Object.entries(DOCUMENTS)) {
    const [row] =
      doc.type === 'contact'
        ? await sql<{ id: string }[]>`insert into core.contacts (workspace_id, full_name, notes) values (${workspaceId}, ${doc.title}, ${doc.body}) returning id`
        : doc.type === 'communication'
          ? await sql<{ id: string }[]>`insert into comms.communications (workspace_id, platform, external_id, direction, sender_address, subject, content, received_at, source_hash)
              values (${workspaceId}, 'gmail', ${key}, 'inbound', 'someone@example.test', ${doc.title}, ${doc.body}, now(), ${key}) returning id`
          : await sql<{ id: string }[]>`insert into intel.insights (workspace_id, kind, title, content, confidence)
              values (${workspaceId}, 'other', ${doc.title}, ${sql.json({ summary: doc.body, metrics: {}, recommendations: [] })}, 0.8) returning id`;
    keyOf.set(row!.id, key);
  }
  // The real pipeline embeds them.
  const workerPool = createSqlClient(db.url, { embedded: db.embedded, max: 3 });
  const indexer = await startSearchIndexer({ sql: workerPool, embedded: db.embedded, logger: createLogger('worker', 'silent'), embedder: localEmbedder, sweepMs: 100, pollSeconds: 0.5 });
  for (;;) {
    // In a transaction: on PGlite, a statement outside one can interleave with the worker's.
    const [left] = await sql.begin((tx) => tx<{ n: number }[]>`select (select count(*) from core.contacts where workspace_id = ${workspaceId} and embedding is null)
      + (select count(*) from comms.communications where workspace_id = ${workspaceId} and embedding is null)
      + (select count(*) from intel.insights where workspace_id = ${workspaceId} and embedding is null) as n`);
    if (Number(left!.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await indexer.stop();
  await workerPool.end();
  const types: SearchType[] = ['CONTACT', 'COMMUNICATION', 'INSIGHT'];
  const modes = {
    hybrid: (q: string) => ({ text: q, vector: lexicalVector(q) }),
    'vector only': (q: string) => ({ text: null, vector: lexicalVector(q) }),
    'words only': (q: string) => ({ text: q, vector: null }),
  };
  const results = [];
  for (const [mode, make] of Object.entries(modes)) {
    let ndcg = 0;
    let precision = 0;
    for (const { query, relevant } of LABELLED) {
      const { ids } = await timedSearch(sql, workspaceId, { types, first: 10, embedderId: localEmbedder.id, minSimilarity: localEmbedder.minSimilarity, ...make(query) });
      const ranked = ids.map((id) => keyOf.get(id)!);
      const dcg = ranked.reduce((sum, key, i) => sum + (relevant.includes(key) ? 1 / Math.log2(i + 2) : 0), 0);
      const ideal = relevant.slice(0, 10).reduce((sum, _, i) => sum + 1 / Math.log2(i + 2), 0);
      ndcg += dcg / ideal;
      precision += ranked.slice(0, 5).filter((key) => relevant.includes(key)).length / 5;
    }
    results.push({ mode, 'nDCG@10': (ndcg / LABELLED.length).toFixed(3), 'precision@5': (precision / LABELLED.length).toFixed(3) });
  }
  console.log(`\nranking on ${where}: ${Object.keys(DOCUMENTS).length} documents (contacts, communications, insights), ${LABELLED.length} labelled queries, local lexical embedder, as the API ranks (its minimum similarity applies)`);
  console.table(results);
  await sql.end();
  await db.stop();
}

if (!ONLY || ONLY === 'ranking') await ranking();
if (!ONLY || ONLY === 'pipeline') await pipeline();
if (!ONLY || ONLY === 'recall') await recall();
process.exit(0);
