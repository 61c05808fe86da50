import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { loadConfig, type Config } from '@chief/runtime';
import { startChief } from '../../scripts/startChief.ts';

/**
 * `npm run bench:flows`: (1) a live map of BENCH_NODES (500, seed 004's limit) nodes updating all
 * at once, BENCH_ROUNDS (30) times: the time from sending updateWorkflowNodes to a subscribed
 * client holding the whole change (one workflowNodesUpdated message of 500 nodes), and from the
 * mutation's answer (the commit is before it) to the client; seed 004's target is 500 ms. (2)
 * The morning brief at a realistic volume (BENCH_COMMUNICATIONS 1,000 over 30 days, 200
 * meetings, 300 tasks, 100 insights for the founder): p50 and p99 of 50 runs, with the statement
 * count. On the embedded PGlite, and on native Postgres too when DATABASE_URL is set.
 */
const NODES = Number(process.env.BENCH_NODES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const COMMS = Number(process.env.BENCH_COMMUNICATIONS ?? 1_000);
const MEETINGS = 200;
const TASKS = 300;
const INSIGHTS = 100;
const BRIEF_RUNS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-01';

const pgliteDir = mkdtempSync(join(tmpdir(), 'chief-bench-flows-'));
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

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
};

const HOUR = 3_600_000;
const iso = (offset: number) => new Date(Date.now() + offset).toISOString();

async function liveMap(url: string, jwt: string) {
  const workflow = (await request<{ createWorkflow: { id: string } }>(url, jwt, 'mutation { createWorkflow(input: { name: "Map", objective: "Bench", requiresApproval: false }) { id } }')).createWorkflow.id;
  const UPDATE = 'mutation($w: ID!, $n: [WorkflowNodeInput!]!) { updateWorkflowNodes(workflowId: $w, nodes: $n) { key } }';
  await request(url, jwt, UPDATE, { w: workflow, n: Array.from({ length: NODES }, (_, i) => ({ key: `n${i}`, type: 'TASK', label: `Node ${i}`, position: { x: i % 25, y: Math.floor(i / 25) } })) });
  // Subscribed after the map's latest event, so no round's change can be missed while it starts.
  const history = await request<{ workflow: { history: { edges: { node: { cursor: string } }[] } } }>(url, jwt, 'query($w: ID!) { workflow(id: $w) { history(first: 100) { edges { node { cursor } } } } }', { w: workflow });
  const after = history.workflow.history.edges.at(-1)!.node.cursor;
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${jwt}` }, retryAttempts: 0 });
  const arrivals: { at: number; count: number }[] = [];
  let wake: () => void = () => {};
  const stop = client.subscribe<{ workflowNodesUpdated: { nodes: { key: string }[] } }>(
    { query: 'subscription($w: ID!, $a: String) { workflowNodesUpdated(workflowId: $w, after: $a) { cursor nodes { key status progress statusMessage } } }', variables: { w: workflow, a: after } },
    { next: (m) => { arrivals.push({ at: performance.now(), count: m.data?.workflowNodesUpdated.nodes.length ?? 0 }); wake(); }, error: (e) => console.error(e), complete: () => {} },
  );
  const fromSend: number[] = [];
  const fromAnswer: number[] = [];
  const wrote: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const nodes = Array.from({ length: NODES }, (_, i) => ({ key: `n${i}`, status: 'RUNNING', progress: Math.min(100, round * 3), statusMessage: `Step ${round} of ${ROUNDS}` }));
    const seen = arrivals.length;
    const arrived = new Promise<void>((resolve) => (wake = () => arrivals.length > seen && resolve()));
    const sent = performance.now();
    await request(url, jwt, UPDATE, { w: workflow, n: nodes });
    const answered = performance.now();
    await arrived;
    const got = arrivals[seen]!;
    if (got.count !== NODES) throw new Error(`round ${round}: a message of ${got.count} nodes, expected ${NODES}`);
    fromSend.push(got.at - sent);
    fromAnswer.push(got.at - answered);
    wrote.push(answered - sent);
  }
  stop();
  await client.dispose();
  return { fromSend, fromAnswer, wrote };
}

async function morningBrief(url: string, jwt: string, founderId: string) {
  const comms = Array.from({ length: COMMS }, (_, i) => ({
    platform: 'GMAIL', externalId: `brief-${i}`, founderId, direction: 'INBOUND', sender: { address: `s${i % 40}@bench.test` }, subject: `Message ${i}`,
    receivedAt: iso(-(i / COMMS) * 30 * 24 * HOUR), urgency: ['LOW', 'NORMAL', 'HIGH', 'URGENT'][i % 4],
  }));
  for (let i = 0; i < comms.length; i += 100) await request(url, jwt, 'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { created } }', { items: comms.slice(i, i + 100) });
  const meetings = Array.from({ length: MEETINGS }, (_, i) => ({ platform: 'ZOOM', externalId: `brief-${i}`, founderId, title: `Meeting ${i}`, startTime: iso((i - MEETINGS / 2) * 6 * HOUR), endTime: iso((i - MEETINGS / 2) * 6 * HOUR + HOUR) }));
  for (let i = 0; i < meetings.length; i += 100) await request(url, jwt, 'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { created } }', { items: meetings.slice(i, i + 100) });
  for (let i = 0; i < TASKS; i++) {
    await request(url, jwt, 'mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }', { i: { title: `Task ${i}`, founderId, dueAt: iso((i - TASKS / 3) * 2 * HOUR), priority: ['LOW', 'MEDIUM', 'HIGH', 'URGENT'][i % 4] } });
  }
  for (let i = 0; i < INSIGHTS; i++) {
    await request(url, jwt, 'mutation($i: CreateInsightInput!) { createInsight(input: $i) { id } }', { i: { kind: 'TREND', title: `Insight ${i}`, founderId, content: { summary: `Insight ${i}` }, confidence: (i % 10) / 10, impactScore: (i % 7) / 7 } });
  }
  const BRIEF = `query($f: ID!) { morningBrief(founderId: $f) {
    unreadCommunications { subject urgency sender { address contact { name } } }
    upcomingMeetings { title startTime }
    dueTasks { title priority dueAt }
    insights { title confidence impactScore }
  } }`;
  const times: number[] = [];
  let counts = '';
  for (let run = 0; run < BRIEF_RUNS + 5; run++) {
    const started = performance.now();
    const data = await request<{ morningBrief: Record<string, unknown[]> }>(url, jwt, BRIEF, { f: founderId });
    if (run >= 5) times.push(performance.now() - started);
    counts = Object.entries(data.morningBrief).map(([k, v]) => `${k} ${v.length}`).join(', ');
  }
  return { times, counts };
}

async function measure(label: string, databaseUrl?: string) {
  const config: Config = loadConfig(env(databaseUrl));
  const chief = await startChief({ config, ports: Object.fromEntries(Object.keys(config.ports).map((k) => [k, 0])) as Config['ports'] });
  try {
    const owner = `bench|${Date.now()}`;
    const ws = (await request<{ createWorkspace: { id: string } }>(chief.gatewayUrl, await token(owner), 'mutation { createWorkspace(input: { name: "Bench", ownerName: "Owner" }) { id } }')).createWorkspace.id;
    const jwt = await token(owner, ws);
    const founder = (await request<{ createFounder: { id: string } }>(chief.gatewayUrl, jwt, 'mutation { createFounder(input: { name: "Ada", email: "ada@bench.test" }) { id } }')).createFounder.id;
    const map = await liveMap(chief.gatewayUrl, jwt);
    console.log(`${label}: live map of ${NODES} nodes updating at once, ${ROUNDS} rounds`);
    console.log(`  send → client holds the change: ${ms(map.fromSend)}`);
    console.log(`  mutation answered (after commit) → client: ${ms(map.fromAnswer)}`);
    console.log(`  the write itself (send → answer): ${ms(map.wrote)}`);
    const brief = await morningBrief(chief.gatewayUrl, jwt, founder);
    console.log(`${label}: morning brief over ${COMMS} communications, ${MEETINGS} meetings, ${TASKS} tasks, ${INSIGHTS} insights (${brief.counts})`);
    console.log(`  ${ms(brief.times)}`);
  } finally {
    await chief.stop();
  }
}

await measure('PGlite (WASM, single-threaded)');
if (process.env.DATABASE_URL) await measure('native Postgres', process.env.DATABASE_URL);
process.exit(0);
