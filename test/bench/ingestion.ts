import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig, type Config } from '@chief/runtime';
import { startChief } from '../../scripts/startChief.ts';

/**
 * `npm run bench:ingestion`: communications ingested per second through the gateway in batches of
 * 100 (new items, then the same batches again, all UNCHANGED), and the latency of a founder's
 * inbox (first 20 with each sender's contact) once the workspace holds 10,000 communications;
 * then meetings in batches of 100 and their transcripts in batches of 20 (100 chunks each). On
 * the embedded PGlite, and on native Postgres too when DATABASE_URL is set; side by side.
 */
const TOTAL = Number(process.env.BENCH_COMMUNICATIONS ?? 10_000);
const BATCH = 100;
const MEETINGS = Number(process.env.BENCH_MEETINGS ?? 400);
const TRANSCRIPT_BATCH = 20;
const CHUNKS = 100;
const INBOX_RUNS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-01';

// The embedded database is the benchmark's own, fresh each run: never the developer's .data/.
const pgliteDir = mkdtempSync(join(tmpdir(), 'chief-bench-ingestion-'));
process.on('exit', () => rmSync(pgliteDir, { recursive: true, force: true }));

const env = (databaseUrl?: string): Record<string, string> => ({
  PGLITE_DATA_DIR: pgliteDir,
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
const INGEST_MEETINGS = 'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { created failed } }';
const ATTACH = 'mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { created failed } }';
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
    // Held, one an hour up to now (a held meeting moves its attendees' strength, as in production).
    const firstMeeting = Date.now() - (MEETINGS + 2) * 3_600_000;
    const meeting = (n: number) => ({
      platform: 'ZOOM', externalId: `bench-meeting-${n}`, founderId: founder, title: `Sync ${n}`, status: 'COMPLETED',
      startTime: new Date(firstMeeting + n * 3_600_000).toISOString(), endTime: new Date(firstMeeting + n * 3_600_000 + 1_800_000).toISOString(),
      participants: [{ address: 'ada@bench.test' }, { address: `c${n % 50}@bench.test`, attendance: 'ATTENDED' }, { address: `c${(n + 1) % 50}@bench.test` }],
    });
    const transcript = (n: number) => ({
      platform: 'ZOOM', meetingExternalId: `bench-meeting-${n}`, summary: `Summary ${n}`, actionItems: [{ description: `Follow up ${n}` }],
      chunks: Array.from({ length: CHUNKS }, (_, i) => ({ speaker: `Speaker ${i % 3}`, startSeconds: i * 18, endSeconds: i * 18 + 17, text: `Passage ${i} of meeting ${n}. `.repeat(6) })),
    });
    const timed = async (total: number, size: number, send: (from: number) => Promise<{ created: number; failed: number }>) => {
      const began = performance.now();
      for (let from = 0; from < total; from += size) {
        const result = await send(from);
        if (result.failed || result.created !== Math.min(size, total - from)) throw new Error(`batch at ${from}: ${JSON.stringify(result)}`);
      }
      return total / ((performance.now() - began) / 1000);
    };
    const range = (from: number, size: number) => Array.from({ length: Math.min(size, MEETINGS - from) }, (_, i) => from + i);
    const meetingsPerSecond = await timed(MEETINGS, BATCH, async (from) =>
      (await request<{ ingestMeetings: { created: number; failed: number } }>(chief.gatewayUrl, jwt, INGEST_MEETINGS, { items: range(from, BATCH).map(meeting) })).ingestMeetings);
    const transcriptsPerSecond = await timed(MEETINGS, TRANSCRIPT_BATCH, async (from) =>
      (await request<{ attachTranscript: { created: number; failed: number } }>(chief.gatewayUrl, jwt, ATTACH, { items: range(from, TRANSCRIPT_BATCH).map(transcript) })).attachTranscript);
    return {
      label, created: fresh.perSecond, unchanged: again.perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
      meetings: meetingsPerSecond, chunks: transcriptsPerSecond * CHUNKS,
    };
  } finally {
    await chief.stop();
  }
}

const results = [await measure('PGlite (embedded)')];
if (process.env.DATABASE_URL) results.push(await measure('native Postgres', process.env.DATABASE_URL));
console.log(`\ningestCommunications, ${TOTAL} communications in batches of ${BATCH}; inbox (first 20, sender's contact) at ${TOTAL}, ${INBOX_RUNS} runs\n`);
console.log(`ingestMeetings, ${MEETINGS} meetings (3 participants) in batches of ${BATCH}; attachTranscript, ${TRANSCRIPT_BATCH} transcripts of ${CHUNKS} chunks per call\n`);
console.log('| database | new items/s | unchanged items/s | inbox p50 ms | inbox p99 ms | meetings/s | transcript chunks/s |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.label} | ${r.created.toFixed(0)} | ${r.unchanged.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.meetings.toFixed(0)} | ${r.chunks.toFixed(0)} |`);
if (results.length === 2) console.log(`\nnative/PGlite: new ${(results[1]!.created / results[0]!.created).toFixed(2)}x, inbox p50 ${(results[0]!.p50 / results[1]!.p50).toFixed(2)}x faster`);
