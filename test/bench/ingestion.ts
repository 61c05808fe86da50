import { SignJWT } from 'jose';
import { loadConfig, type Config } from '@chief/runtime';
import { startChief } from '../../scripts/startChief.ts';

/**
 * `npm run bench:ingestion`: communications ingested per second through the gateway in batches of
 * 100 (new items, then the same batches again, all UNCHANGED), and the latency of a founder's
 * inbox (first 20 with each sender's contact) once the workspace holds 10,000 communications. On
 * the embedded PGlite, and on native Postgres too when DATABASE_URL is set; side by side.
 */
const TOTAL = Number(process.env.BENCH_COMMUNICATIONS ?? 10_000);
const BATCH = 100;
const INBOX_RUNS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-01';

const env = (databaseUrl?: string): Record<string, string> => ({
  NODE_ENV: 'production', LOG_LEVEL: 'silent', DEMO_DATA: 'false', AUTH_JWT_SECRET: SECRET,
  SUBGRAPH_SECRET: 'bench-subgraph-secret-bench-subgraph-0123', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  API_KEY_SECRET: 'bench-api-key-secret-bench-api-key-secret', RATE_LIMIT_USER_MAX: '1000000', MAX_QUERY_COST: '1000000',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
});

const token = (userId: string, workspaceId?: string) =>
  new SignJWT(workspaceId ? { wid: workspaceId } : {}).setProtectedHeader({ alg: 'HS256' }).setSubject(userId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

async function request<T>(url: string, jwt: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const INGEST = 'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { created unchanged failed } }';
const INBOX = 'query($f: ID!) { founder(id: $f) { inbox(first: 20) { edges { node { subject receivedAt urgency sender { address contact { name } } } } } } }';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(label: string, databaseUrl?: string) {
  const config: Config = loadConfig(env(databaseUrl));
  const chief = await startChief({ config, ports: Object.fromEntries(Object.keys(config.ports).map((k) => [k, 0])) as Config['ports'] });
  try {
    const owner = `bench|${Date.now()}`;
    const ws = (await request<{ createWorkspace: { id: string } }>(chief.gatewayUrl, await token(owner), 'mutation { createWorkspace(input: { name: "Bench", ownerName: "Owner" }) { id } }')).createWorkspace.id;
    const jwt = await token(owner, ws);
    const founder = (await request<{ createFounder: { id: string } }>(chief.gatewayUrl, jwt, 'mutation { createFounder(input: { name: "Ada", email: "ada@bench.test" }) { id } }')).createFounder.id;
    for (let c = 0; c < 50; c++) await request(chief.gatewayUrl, jwt, `mutation { createContact(input: { name: "Contact ${c}", email: "c${c}@bench.test" }) { id } }`);
    const start = Date.now() - TOTAL * 60_000;
    const item = (n: number) => ({
      platform: 'GMAIL', externalId: `bench-${n}`, threadExternalId: `thread-${n % 500}`, founderId: founder, direction: 'INBOUND',
      sender: { address: `c${n % 50}@bench.test` }, recipients: [{ address: 'ada@bench.test' }], subject: `Message ${n}`,
      content: `Body ${n} `.repeat(20), receivedAt: new Date(start + n * 60_000).toISOString(), urgency: ['LOW', 'NORMAL', 'HIGH', 'URGENT'][n % 4],
      topics: ['bench'], sentiment: { score: 0.2, label: 'neutral', confidence: 0.6, keywords: [] },
    });
    const batches = Array.from({ length: TOTAL / BATCH }, (_, b) => Array.from({ length: BATCH }, (_, i) => item(b * BATCH + i)));
    const run = async () => {
      const began = performance.now();
      let created = 0;
      let unchanged = 0;
      for (const items of batches) {
        const result = (await request<{ ingestCommunications: { created: number; unchanged: number; failed: number } }>(chief.gatewayUrl, jwt, INGEST, { items })).ingestCommunications;
        if (result.failed) throw new Error(`${result.failed} items failed`);
        created += result.created;
        unchanged += result.unchanged;
      }
      return { perSecond: TOTAL / ((performance.now() - began) / 1000), created, unchanged };
    };
    const fresh = await run();
    const again = await run();
    if (fresh.created !== TOTAL || again.unchanged !== TOTAL) throw new Error(`expected ${TOTAL} created then unchanged, got ${fresh.created} and ${again.unchanged}`);
    const latencies: number[] = [];
    for (let i = 0; i < INBOX_RUNS + 5; i++) {
      const began = performance.now();
      await request(chief.gatewayUrl, jwt, INBOX, { f: founder });
      if (i >= 5) latencies.push(performance.now() - began);
    }
    latencies.sort((a, b) => a - b);
    return { label, created: fresh.perSecond, unchanged: again.perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await chief.stop();
  }
}

const results = [await measure('PGlite (embedded)')];
if (process.env.DATABASE_URL) results.push(await measure('native Postgres', process.env.DATABASE_URL));
console.log(`\ningestCommunications, ${TOTAL} communications in batches of ${BATCH}; inbox (first 20, sender's contact) at ${TOTAL}, ${INBOX_RUNS} runs\n`);
console.log('| database | new items/s | unchanged items/s | inbox p50 ms | inbox p99 ms |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.label} | ${r.created.toFixed(0)} | ${r.unchanged.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`);
if (results.length === 2) console.log(`\nnative/PGlite: new ${(results[1]!.created / results[0]!.created).toFixed(2)}x, inbox p50 ${(results[0]!.p50 / results[1]!.p50).toFixed(2)}x faster`);
