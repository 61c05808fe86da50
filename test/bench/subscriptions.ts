import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { connectPostgres } from '@chief/db';
import { createInternalTokens, loadConfig } from '@chief/runtime';
import { createClient } from '../support/startTestChief.ts';
import { analyseDeliveries, readLoggedEvents, summarise, type DeliveryReport, type LoggedEvent } from './support/analyseDeliveries.ts';
import { startBenchStack, type BenchStack } from './support/benchStack.ts';
import { connectInspector, type HeapFigures } from './support/connectInspector.ts';
import { createEventWriter } from './support/createEventWriter.ts';
import { databaseProcesses } from './support/databaseProcesses.ts';
import { cpuSeconds } from './support/processStats.ts';
import { readCounter } from './support/serviceMetrics.ts';
import { now, startSubscriberFleet, type FleetStatus, type SocketSpec, type SubscriberFleet } from './support/subscriberFleet.ts';
import { distinctSubscriptions, layoutSockets, seedLiveWorkspaces, variants, type LaidOutSocket, type LiveWorkspace } from './support/subscriptionScenario.ts';

/**
 * `npm run bench:subscriptions`: live updates at scale (issue 10's contract), through Chief's
 * gateway and through Hive Gateway in front of the same subgraph processes, on a native Postgres
 * (DATABASE_URL: the subgraphs' wake-ups travel by NOTIFY between processes, which the embedded
 * database cannot carry). BENCH_WORKSPACES (10) workspaces of BENCH_MEMBERS (10) subscribing
 * members each hold every variant of subscriptionScenario.ts, which makes the distinct
 * subscriptions (400); BENCH_SUBSCRIBERS_SMALL (1,000), then BENCH_SUBSCRIBERS (10,000)
 * subscribers spread evenly over them, BENCH_SUBSCRIPTIONS_PER_SOCKET (10) per socket, in a
 * process of their own. Each workspace's hot task is updated once a second, and every subscriber
 * receives each update. For BENCH_SECONDS (20) at each scale: latency from commit to client,
 * events lost, doubled or out of order (every subscriber checked against every event), SQL
 * statements per event, CPU by process; the gateway's heap after a full GC with the subscribers
 * idle. Then BENCH_RESUME_SUBSCRIBERS (1,000) subscribers are dropped for
 * BENCH_RESUME_GAP_SECONDS (5) and reconnect at once with their last cursors: time to catch up,
 * and what they lost or received twice, then one more window with them back. BENCH_GATEWAYS
 * (chief,hive) picks gateways; SUBSCRIPTION_* and DB_POOL_MAX, when set, are handed to the services.
 */
const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a whole number of at least 1, got ${JSON.stringify(process.env[name])}`);
  return value;
};
const workspaceCount = setting('BENCH_WORKSPACES', 10);
const members = setting('BENCH_MEMBERS', 10);
const smallScale = setting('BENCH_SUBSCRIBERS_SMALL', 1_000);
const fullScale = setting('BENCH_SUBSCRIBERS', 10_000);
const perSocket = setting('BENCH_SUBSCRIPTIONS_PER_SOCKET', 10);
const seconds = setting('BENCH_SECONDS', 20);
const resumeSubscribers = setting('BENCH_RESUME_SUBSCRIBERS', 1_000);
const resumeGapSeconds = setting('BENCH_RESUME_GAP_SECONDS', 5);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL: the subscription benchmark runs on a native Postgres (../shared/tools/native-postgres start /tmp/bench-pg 55432 prints its URL)');

type LiveGateway = 'chief' | 'hive';
// Hive Gateway subscribes to the subgraphs over graphql-ws only once its script serves graphql-ws itself.
const hiveServesSubscriptions = /graphql-ws\/use\/ws/.test(readFileSync('test/bench/gateways/hiveGateway.ts', 'utf8'));
const asked = (process.env.BENCH_GATEWAYS?.split(',') ?? ['chief', 'hive']) as LiveGateway[];
for (const name of asked) if (name !== 'chief' && name !== 'hive') throw new Error(`BENCH_GATEWAYS: expected chief and/or hive, separated by commas, got ${JSON.stringify(name)}`);
const gatewaysRun = asked.filter((g) => g !== 'hive' || hiveServesSubscriptions);

// The services' subscription settings and pool size may be set for a run (SUBSCRIPTION_POLL_MS=200 ...): they are handed on, and printed.
const serviceSettings = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => /^(SUBSCRIPTIONS?_[A-Z_]+|DB_POOL_MAX)$/.test(entry[0]) && entry[1] !== undefined),
);
const config = loadConfig(serviceSettings);
const limits = config.subscriptions;
const distinctCount = workspaceCount * members * variants.length;
if (smallScale < distinctCount) throw new Error(`BENCH_SUBSCRIBERS_SMALL (${smallScale}) must be at least the ${distinctCount} distinct subscriptions, so both scales cover the same set`);
if (fullScale <= smallScale) throw new Error(`BENCH_SUBSCRIBERS (${fullScale}) must be more than BENCH_SUBSCRIBERS_SMALL (${smallScale})`);
if (Math.ceil(fullScale / (workspaceCount * members)) > limits.perUser) throw new Error(`${fullScale} subscribers over ${workspaceCount * members} members exceed SUBSCRIPTIONS_PER_USER (${limits.perUser}): raise BENCH_MEMBERS`);
if (perSocket > limits.perConnection) throw new Error(`BENCH_SUBSCRIPTIONS_PER_SOCKET (${perSocket}) exceeds SUBSCRIPTIONS_PER_CONNECTION (${limits.perConnection})`);
if (resumeSubscribers > fullScale) throw new Error(`BENCH_RESUME_SUBSCRIBERS (${resumeSubscribers}) exceeds BENCH_SUBSCRIBERS (${fullScale})`);

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const MiB = (bytes: number) => bytes / 2 ** 20;
const closesText = (status: FleetStatus) => {
  const closes = Object.entries(status.closes).map(([code, n]) => `${n}×${code}`);
  const parts = [...(status.errors ? [`${status.errors} errors`] : []), ...(status.ended ? [`${status.ended} ended`] : []), ...(closes.length ? [`closes ${closes.join(' ')}`] : [])];
  return parts.length ? parts.join(', ') : 'none';
};

interface Window {
  label: string;
  subscribers: number;
  sockets: number;
  idle: HeapFigures;
  seconds: number;
  events: number;
  report: DeliveryReport;
  /** From quiet to quiet, the subscriptions' polls meanwhile included. */
  statementsPerEvent: number;
  /** Over the window alone, in steady state: the polls while events flow included, a backlog left after it not. */
  windowStatements: number;
  /** The last event of the window, by workspace. */
  to: number[];
  /** Statements a second with the subscribers connected and no event (the subscriptions' polls). */
  idleStatements: number;
  /** Results the gateway completed, and handed out, per event (Chief's metrics; Hive has none). */
  resolvedPerEvent: number;
  deliveredPerEvent: number;
  /** Share of one core, by process. */
  cpu: Record<string, number>;
  failures: string;
  firstError: string | undefined;
}

interface Resume {
  subscribers: number;
  sockets: number;
  /** Events written while a dropped subscriber was away (median), and dropped subscribers that missed none. */
  missedEach: number;
  missedNone: number;
  reconnectMs: number;
  catchUp: ReturnType<typeof summarise>;
  notCaughtUp: number;
  withoutCursor: number;
  report: DeliveryReport;
  to: number[];
  failures: string;
}

/** What a gateway's run measured, filled in as it goes: a run that fails keeps what it measured before. */
interface GatewayRun {
  writeStatements: number;
  baseline?: HeapFigures;
  windows: Window[];
  resume?: Resume;
  left?: HeapFigures;
  error?: string;
}

// Chief's gateway seeds the workspaces, whichever gateways are measured.
const stack: BenchStack<LiveGateway> = await startBenchStack({ databaseUrl, gateways: [...new Set<LiveGateway>(['chief', ...gatewaysRun])], inspect: true, env: serviceSettings });
const fleet: SubscriberFleet = await startSubscriberFleet().catch(async (error: unknown) => {
  await stack.stop();
  throw error;
});
const sql = connectPostgres(databaseUrl, { max: 1 });
let tornDown: Promise<void> | undefined;
const tearDown = () => (tornDown ??= (async () => {
  await fleet.stop();
  await sql.end();
  await stack.stop();
})());
// The services run in process groups of their own (see spawnService): Ctrl-C reaches only this one, which stops them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void tearDown().finally(() => process.exit(130)));

const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' ');
try {
  const chief = createClient(stack.gateways.chief.url);
  const workspaces = await seedLiveWorkspaces(chief, workspaceCount, members);
  const distinct = distinctSubscriptions(workspaces);
  const writer = createEventWriter(workspaces.map((w) => w.hotTaskId));
  const database = await databaseProcesses(stack);
  const processes = (gateway: LiveGateway) => ({
    gateway: [stack.gateways[gateway].pid],
    ...Object.fromEntries(stack.subgraphs.map((s) => [s.name, [s.pid]])),
    database: database(),
    'load generator': [fleet.pid],
  });
  const statements = async () => (await Promise.all(stack.subgraphs.map((s) => readCounter(s.url, stack.env.METRICS_TOKEN, 'chief_sql_statements_total')))).reduce((a, b) => a + b, 0);
  const chiefCounter = (name: string) => readCounter(stack.gateways.chief.url, stack.env.METRICS_TOKEN, name);
  const returnedEvents = () => workspaces.reduce((sum, _, w) => sum + writer.returned(w), 0);

  /** What a window is measured on: CPU by process, statements, Chief's subscription counters, updates returned. */
  const snapshot = async (gateway: LiveGateway) => {
    const pids = processes(gateway);
    return {
      at: now(),
      pids,
      cpu: new Map(Object.values(pids).flat().map((pid) => [pid, cpuSeconds(pid)])),
      statements: await statements(),
      resolved: gateway === 'chief' ? await chiefCounter('chief_subscription_events_resolved_total') : Number.NaN,
      delivered: gateway === 'chief' ? await chiefCounter('chief_subscription_events_delivered_total') : Number.NaN,
      events: returnedEvents(),
    };
  };
  type Snapshot = Awaited<ReturnType<typeof snapshot>>;
  const cpuShare = (before: Snapshot, after: Snapshot) =>
    Object.fromEntries(
      Object.entries(after.pids).map(([name, pids]) => {
        // A database backend that started meanwhile counts whole; one that ended is left out.
        const used = pids.reduce((sum, pid) => sum + (after.cpu.get(pid) ?? 0) - (before.cpu.get(pid) ?? 0), 0);
        return [name, used / ((after.at - before.at) / 1000)];
      }),
    );

  /**
   * Waits, once the writer has stopped, for what was sent to arrive. With `expected` (the
   * window's events, and the subscriptions that must receive them), until every event of the
   * window has arrived as many times as its workspace has subscribers (then half a second more,
   * for any duplicate), or nothing has arrived for 5 s, or a minute has gone by; without, until
   * nothing has arrived for 1.5 s.
   */
  const drain = async (expected?: { logged: Map<string, LoggedEvent>; subscriptions: Map<number, number>; from: number[]; to: number[] }) => {
    const deadline = Date.now() + 60_000;
    const subscribers = workspaces.map(() => 0);
    for (const w of expected?.subscriptions.values() ?? []) subscribers[w]!++;
    const owed = (counts: Record<string, number>) => {
      let missing = 0;
      for (const [id, event] of expected!.logged) {
        if (event.ordinal >= expected!.from[event.workspace]! && event.ordinal <= expected!.to[event.workspace]!) missing += Math.max(0, subscribers[event.workspace]! - (counts[id] ?? 0));
      }
      return missing;
    };
    let last = -1;
    let quiet = 0;
    while (Date.now() < deadline) {
      await sleep(500);
      const { receipts } = await fleet.send({ kind: 'status' });
      if (expected && !owed(await fleet.send({ kind: 'counts' }))) return void (await sleep(500));
      quiet = receipts === last ? quiet + 1 : 0;
      last = receipts;
      if (quiet >= (expected ? 10 : 3)) return;
    }
  };
  const ordinalsStarted = () => workspaces.map((_, w) => writer.started(w));
  const logged = () => readLoggedEvents(sql, workspaces.map((w) => w.hotTaskId), ordinalsStarted());

  async function runGateway(gateway: LiveGateway, firstSocketId: number, run: GatewayRun): Promise<void> {
    const { url, inspector: inspectorUrl } = stack.gateways[gateway];
    const inspector = await connectInspector(inspectorUrl!);
    // Chief's clients present a user's JWT, as an identity provider issues it; Hive's, which checks
    // nothing, the internal token Chief would sign for that user (signed to live the whole run).
    const credential = async (workspace: LiveWorkspace, userId: string) =>
      gateway === 'chief'
        ? `Bearer ${await chief.token(userId, { workspaceId: workspace.id, secret: stack.env.AUTH_JWT_SECRET, expiresIn: '3h' })}`
        : `Bearer ${createInternalTokens(stack.env.SUBGRAPH_SECRET).sign({ kind: 'user', userId, workspaceId: workspace.id, scopes: ['read', 'write'] }, 3 * 3600)}`;
    const credentials = new Map<string, string>();
    for (const w of workspaces) for (const userId of [w.ownerUserId, ...w.memberUserIds]) credentials.set(userId, await credential(w, userId));
    const params = (_: LiveWorkspace, userId: string) => ({ authorization: credentials.get(userId)! });
    const writerAuthorization = (w: number) => credentials.get(workspaces[w]!.ownerUserId)!;
    const subscriptionsUpTo = (n: number) => new Map(Array.from({ length: n }, (_, i) => [i, distinct[i % distinct.length]!.workspace]));

    /**
     * One measured window with the writer running, 1.5 s after it started: every connected
     * subscription must receive every event of the window. CPU is measured over the window;
     * statements over it too, and from quiet to quiet (before the writer starts, after everything
     * it caused has been delivered), so a backlog cannot hide cost, with Chief's counters; both
     * include the subscriptions' polls meanwhile (their rate with no event is measured first).
     */
    const measure = async (subscribers: number) => {
      const resting = await snapshot(gateway);
      await sleep(2_000);
      const quiet = await snapshot(gateway);
      const idleStatements = ((quiet.statements - resting.statements) * 1000) / (quiet.at - resting.at);
      writer.start(url, writerAuthorization);
      await sleep(1_500);
      await fleet.send({ kind: 'collect' });
      const from = ordinalsStarted();
      const before = await snapshot(gateway);
      await sleep(seconds * 1000);
      const after = await snapshot(gateway);
      await writer.stop();
      const to = ordinalsStarted().map((n) => n - 1);
      const subscriptions = subscriptionsUpTo(subscribers);
      const log = await logged();
      await drain({ logged: log, subscriptions, from, to });
      const settled = await snapshot(gateway);
      const receipts = await fleet.send({ kind: 'collect' });
      const report = analyseDeliveries({ receipts, logged: log, returnedAt: writer.returnedAt, subscriptions, from, to });
      const events = settled.events - quiet.events;
      return {
        report,
        seconds: (after.at - before.at) / 1000,
        events: after.events - before.events,
        statementsPerEvent: (settled.statements - quiet.statements) / events,
        windowStatements: (after.statements - before.statements) / (after.events - before.events),
        idleStatements,
        to,
        resolvedPerEvent: (settled.resolved - quiet.resolved) / events,
        deliveredPerEvent: (settled.delivered - quiet.delivered) / events,
        cpu: cpuShare(before, after),
      };
    };

    try {
      // The update alone, without subscribers: its own statements, to tell them from the subscriptions'.
      writer.start(url, writerAuthorization);
      await sleep(1_500);
      const writesBefore = await snapshot(gateway);
      await sleep(5_000);
      const writesAfter = await snapshot(gateway);
      await writer.stop();
      run.writeStatements = (writesAfter.statements - writesBefore.statements) / (writesAfter.events - writesBefore.events);
      run.baseline = await inspector.heapAfterGc();

      const sockets: LaidOutSocket[] = [];
      let connected = 0;
      for (const scale of [smallScale, fullScale]) {
        const added = layoutSockets(workspaces, distinct, { from: connected, to: scale, perSocket, firstSocketId: firstSocketId + sockets.length }, params);
        sockets.push(...added);
        const opened = await fleet.send({ kind: 'connect', url, sockets: added.map(({ userId: _, workspace: __, ...spec }): SocketSpec => spec), concurrency: 50 });
        if (opened.failed) throw new Error(`${gateway}: ${opened.failed} of ${added.length} sockets were refused: ${(await fleet.send({ kind: 'status' })).firstError}`);
        connected = scale;
        // Updates until every subscriber has received one: then every subscription is live at the gateway.
        writer.start(url, writerAuthorization);
        const deadline = Date.now() + 180_000;
        let status = await fleet.send({ kind: 'status' });
        while (status.ready < scale && Date.now() < deadline) {
          await sleep(500);
          status = await fleet.send({ kind: 'status' });
        }
        await writer.stop();
        if (status.ready < scale) throw new Error(`${gateway}: ${scale - status.ready} of ${scale} subscribers received nothing in 3 minutes (${closesText(status)}; ${status.firstError})`);
        await drain();
        await fleet.send({ kind: 'collect' });
        const idle = await inspector.heapAfterGc();
        const measured = await measure(scale);
        status = await fleet.send({ kind: 'status' });
        run.windows.push({ label: String(scale), subscribers: scale, sockets: sockets.length, idle, ...measured, failures: closesText(status), firstError: status.firstError });
        console.log(`${gateway}, ${scale} subscribers: p99 ${fixed(measured.report.fromEvent.p99)} ms, ${measured.report.lost} lost, ${fixed(measured.statementsPerEvent, 1)} statements per event`);
      }

      // Resume: subscribers spread over every member and variant drop, miss events, and come back at once.
      const step = Math.max(1, Math.floor(sockets.length / Math.ceil(resumeSubscribers / perSocket)));
      const dropped: LaidOutSocket[] = [];
      for (let offset = 0, total = 0; offset < step && total < resumeSubscribers; offset++) {
        for (let i = offset; i < sockets.length && total < resumeSubscribers; i += step) {
          dropped.push(sockets[i]!);
          total += sockets[i]!.subscriptions.length;
        }
      }
      const droppedIds = new Set(dropped.flatMap((s) => s.subscriptions.map((x) => x.id)));
      writer.start(url, writerAuthorization);
      await sleep(2_000);
      await fleet.send({ kind: 'collect' });
      const from = ordinalsStarted();
      await fleet.send({ kind: 'drop', socketIds: dropped.map((s) => s.id) });
      await sleep(resumeGapSeconds * 1000);
      const resumedAt = now();
      const target = workspaces.map((_, w) => writer.returned(w) - 1);
      const resumed = await fleet.send({ kind: 'resume', url, sockets: dropped.map((s) => ({ id: s.id, connectionParams: s.connectionParams })) });
      await sleep(5_000);
      await writer.stop();
      const to = ordinalsStarted().map((n) => n - 1);
      const subscriptions = subscriptionsUpTo(fullScale);
      const log = await logged();
      await drain({ logged: log, subscriptions, from, to });
      const receipts = await fleet.send({ kind: 'collect' });
      const report = analyseDeliveries({ receipts, logged: log, returnedAt: writer.returnedAt, subscriptions, from, to });
      const catchUp: number[] = [];
      const missed: number[] = [];
      let notCaughtUp = 0;
      let missedNone = 0;
      for (const id of droppedIds) {
        const w = distinct[id % distinct.length]!.workspace;
        const got = report.received.get(id) ?? { ordinals: [], times: [] };
        const before = got.ordinals.filter((_, i) => got.times[i]! < resumedAt);
        const away = target[w]! - (before.length ? Math.max(...before) : from[w]! - 1);
        // Nothing was written while it was away (the writer was held up): there is nothing to catch up on.
        if (away <= 0) {
          missedNone++;
          continue;
        }
        missed.push(away);
        const i = got.ordinals.findIndex((ordinal, j) => ordinal >= target[w]! && got.times[j]! >= resumedAt);
        if (i < 0) notCaughtUp++;
        else catchUp.push(got.times[i]! - resumedAt);
      }
      const status = await fleet.send({ kind: 'status' });
      const resume: Resume = (run.resume = {
        subscribers: droppedIds.size,
        sockets: dropped.length,
        missedEach: summarise(missed).p50,
        missedNone,
        reconnectMs: resumed.ms,
        catchUp: summarise(catchUp),
        notCaughtUp,
        withoutCursor: resumed.withoutCursor,
        report,
        to,
        failures: closesText(status),
      });
      console.log(`${gateway}, resume of ${droppedIds.size} subscribers: caught up in ${fixed(resume.catchUp.max)} ms, ${report.lost} lost, ${report.duplicated} duplicated`);

      // The same subscribers again, now that the resumed ones subscribe with \`after\`.
      await drain();
      const again = await measure(fullScale);
      const statusAgain = await fleet.send({ kind: 'status' });
      run.windows.push({ label: `${fullScale}, after the resume`, subscribers: fullScale, sockets: sockets.length, idle: run.windows[1]!.idle, ...again, failures: closesText(statusAgain), firstError: statusAgain.firstError });

      await fleet.send({ kind: 'disconnect' });
      await sleep(3_000);
      run.left = await inspector.heapAfterGc();
    } finally {
      // After a failure too: the next gateway starts with no subscriber and no writer of this one's.
      await writer.stop().catch(() => {});
      await fleet.send({ kind: 'disconnect' });
      inspector.close();
    }
  }

  const runs = new Map<LiveGateway, GatewayRun>();
  let firstSocketId = 0;
  for (const gateway of gatewaysRun) {
    const run: GatewayRun = { writeStatements: Number.NaN, windows: [] };
    runs.set(gateway, run);
    try {
      await runGateway(gateway, firstSocketId, run);
    } catch (error) {
      run.error = (error as Error).message;
      console.log(`${gateway}: FAILED: ${run.error}`);
    }
    firstSocketId += 1_000_000;
  }

  const distinctPerWorkspace = distinctCount / workspaceCount;
  console.log(`\nLive updates through Chief's gateway and Hive Gateway, in front of the same subgraphs (${stack.subgraphs.map((s) => s.name).join(', ')}) on a native Postgres`);
  console.log(`${workspaceCount} workspaces × ${members} members × ${variants.length} variants (${variants.map((v) => v.name).join('; ')}) = ${distinctCount} distinct subscriptions; ${perSocket} subscriptions per socket; the subscribers in a process of their own`);
  console.log(`one update of each workspace's hot task per second, which every subscriber receives; windows of ${seconds} s after the subscribers have all received an event`);
  console.log(`settings: RATE_LIMIT_USER_MAX and RATE_LIMIT_KEY_MAX raised to 100000000 (every connection_init and subscribe counts against the caller's limit, 600 a minute by default); ${Object.keys(serviceSettings).length ? `set for this run: ${Object.entries(serviceSettings).map(([k, v]) => `${k}=${v}`).join(' ')}; ` : ''}in effect: SUBSCRIPTION_POLL_MS ${limits.pollMs}, SUBSCRIPTIONS_PER_CONNECTION ${limits.perConnection}, SUBSCRIPTIONS_PER_USER ${limits.perUser}, SUBSCRIPTION_BUFFER_EVENTS ${limits.bufferEvents}, DB_POOL_MAX ${config.dbPoolMax} (per subgraph)`);
  console.log(`machine: ${availableParallelism()} cores; load average ${loadAtStart} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (other work shares the machine)`);
  console.log('latency: from the event\'s timestamp (created_at, when its transaction began: an upper bound of commit to client) to its arrival at the client; "after return" from when the update\'s mutation returned to the writer (after the commit: a lower bound)');
  console.log('lost: events of the window a subscriber had not received when the drain ended (every event arrived as often as its workspace has subscribers, or 5 s without any result, or a minute)\n');

  console.log('| gateway | subscribers | sockets | updates/s | deliveries/s | p50 ms | p99 ms | max ms | p50 / p99 ms after return | lost | duplicated | out of order | socket and stream failures |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [gateway, run] of runs) {
    for (const w of run.windows) {
      const r = w.report;
      console.log(`| ${gateway} | ${w.label} | ${w.sockets} | ${fixed(w.events / w.seconds, 1)} | ${fixed(r.deliveries / w.seconds)} | ${fixed(r.fromEvent.p50, 1)} | ${fixed(r.fromEvent.p99, 1)} | ${fixed(r.fromEvent.max)} | ${fixed(r.fromReturn.p50, 1)} / ${fixed(r.fromReturn.p99, 1)} | ${r.lost} | ${r.duplicated} | ${r.outOfOrder} | ${w.failures} |`);
    }
    if (run.error) console.log(`| ${gateway} | FAILED after ${run.windows.length} windows: ${run.error} | | | | | | | | | | | |`);
  }
  if (!runs.has('hive')) {
    console.log(`| hive | NOT RUN: ${hiveServesSubscriptions ? 'left out by BENCH_GATEWAYS' : 'test/bench/gateways/hiveGateway.ts does not serve graphql-ws yet'} | | | | | | | | | | | |`);
  }

  const processNames = ['gateway', ...stack.subgraphs.map((s) => s.name), 'database', 'load generator'];
  console.log(`\nSQL statements per event (one update and all it causes, the update's own ${[...runs].map(([g, r]) => `${fixed(r.writeStatements, 1)} through ${g}`).join(', ')} included): from quiet to quiet (the writer stopped and everything delivered at both ends, so a backlog cannot hide cost; the polls meanwhile included), and over the window alone; the subscriptions' polls when no event comes, statements/s; CPU over the window, % of one core (${processNames.join(' / ')})\n`);
  console.log('| gateway | subscribers | statements per event, quiet to quiet | over the window | per event and distinct subscription of its workspace, the update\'s own left out (window) | idle polls, statements/s | results resolved per event | results delivered per event | CPU % of a core |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [gateway, run] of runs) {
    for (const w of run.windows) {
      const cpu = processNames.map((name) => fixed((w.cpu[name] ?? 0) * 100)).join(' / ');
      console.log(`| ${gateway} | ${w.label} | ${fixed(w.statementsPerEvent, 1)} | ${fixed(w.windowStatements, 1)} | ${fixed((w.windowStatements - run.writeStatements) / distinctPerWorkspace, 2)} | ${fixed(w.idleStatements)} | ${fixed(w.resolvedPerEvent, 1)} | ${fixed(w.deliveredPerEvent, 1)} | ${cpu} |`);
    }
  }
  for (const [gateway, { windows: [small, full] }] of runs) {
    if (small && full) console.log(`${gateway}: statements per event at ${full.subscribers} / at ${small.subscribers} subscribers over the same ${distinctCount} distinct subscriptions: ${fixed(full.statementsPerEvent / small.statementsPerEvent, 2)} quiet to quiet, ${fixed(full.windowStatements / small.windowStatements, 2)} over the windows`);
  }

  console.log('\nGateway memory after a full GC, subscribers connected and idle (heap used / RSS, MiB); per idle subscriber: the growth from the small scale to the full one over the subscribers added (the distinct subscriptions are the same), and from none (RSS moves with what the allocator keeps: heap is the figure)\n');
  console.log('| gateway | no subscribers | small scale | full scale | after all left | KB per idle subscriber, heap / RSS | from none, heap / RSS |');
  console.log('|---|---|---|---|---|---|---|');
  const mib = (h: HeapFigures | undefined) => (h ? `${fixed(MiB(h.heapUsed), 1)} / ${fixed(MiB(h.rss))}` : 'n/a');
  const perSubscriber = (a: HeapFigures | undefined, b: HeapFigures | undefined, n: number) => (a && b ? `${fixed((b.heapUsed - a.heapUsed) / n / 1024, 1)} / ${fixed((b.rss - a.rss) / n / 1024, 1)}` : 'n/a');
  for (const [gateway, run] of runs) {
    const [small, full] = run.windows;
    if (!small) continue;
    console.log(`| ${gateway} | ${mib(run.baseline)} | ${mib(small.idle)} (${small.subscribers}) | ${full ? `${mib(full.idle)} (${full.subscribers})` : 'n/a'} | ${mib(run.left)} | ${full ? perSubscriber(small.idle, full.idle, full.subscribers - small.subscribers) : 'n/a'} | ${perSubscriber(run.baseline, full?.idle, fullScale)} |`);
  }

  console.log(`\nResume: subscribers dropped for ${resumeGapSeconds} s while updates go on, then reconnected at once, each subscription with the last cursor it received; catch-up: from the reconnection to the arrival of the last event written before it; every subscriber (dropped or not) checked against every event of the window\n`);
  console.log('| gateway | dropped subscribers (sockets) | events missed each | missed none | all sockets connected, ms | catch-up p50 / p99 / max ms | not caught up | lost | duplicated | out of order | failures |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [gateway, { resume: r }] of runs) {
    if (!r) continue;
    console.log(`| ${gateway} | ${r.subscribers} (${r.sockets}) | ${fixed(r.missedEach)} | ${r.missedNone} | ${fixed(r.reconnectMs)} | ${fixed(r.catchUp.p50)} / ${fixed(r.catchUp.p99)} / ${fixed(r.catchUp.max)} | ${r.notCaughtUp} | ${r.report.lost} | ${r.report.duplicated} | ${r.report.outOfOrder} | ${r.failures}${r.withoutCursor ? `, ${r.withoutCursor} without a cursor` : ''} |`);
  }

  // Where lost events are: by variant, and whether they are the window's last (late beyond the drain) or inside it.
  const describeLost = (what: string, report: DeliveryReport, to: number[]) => {
    if (!report.lost) return;
    const byVariant = new Map<string, number>();
    let last = 0;
    for (const [id, ordinals] of report.missing) {
      const { workspace, variant } = distinct[id % distinct.length]!;
      byVariant.set(variant.name, (byVariant.get(variant.name) ?? 0) + ordinals.length);
      last += ordinals.filter((o) => o >= to[workspace]! - 2).length;
    }
    console.log(`${what}: ${report.lost} events lost by ${report.missing.size} subscriptions (${[...byVariant].map(([v, n]) => `${v} ${n}`).join(', ')}); ${last} of them among the window's last 3 events`);
  };
  // Which subscriptions received an event twice, with what each received (ordinals in arrival order).
  const describeDuplicates = (what: string, report: DeliveryReport) => {
    if (!report.duplicated && !report.outOfOrder) return;
    const twice = [...report.received].filter(([, r]) => new Set(r.ordinals).size !== r.ordinals.length || r.ordinals.some((o, i) => i && o < r.ordinals[i - 1]!));
    const samples = twice.slice(0, 3).map(([id, r]) => `${id} (${distinct[id % distinct.length]!.variant.name}): ${r.ordinals.join(',')}`);
    console.log(`${what}: ${report.duplicated} duplicated and ${report.outOfOrder} out of order, in ${twice.length} subscriptions; e.g. ${samples.join(' | ')}`);
  };
  for (const [gateway, run] of runs) {
    for (const w of run.windows) {
      describeLost(`${gateway}, ${w.label}`, w.report, w.to);
      describeDuplicates(`${gateway}, ${w.label}`, w.report);
      if (w.firstError) console.log(`${gateway}, ${w.label}: first failure: ${w.firstError}`);
    }
    if (run.resume) {
      describeLost(`${gateway}, resume`, run.resume.report, run.resume.to);
      describeDuplicates(`${gateway}, resume`, run.resume.report);
    }
  }

  const chiefRun = runs.get('chief');
  const [small, full, ...later] = chiefRun?.windows ?? [];
  if (small && full) {
    const kb = (full.idle.heapUsed - small.idle.heapUsed) / (full.subscribers - small.subscribers) / 1024;
    const p99s = [full, ...later].map((w) => `${fixed(w.report.fromEvent.p99)} ms (${w.label})`).join(', ');
    console.log(`\ntargets (Chief, ${full.subscribers} subscribers): p99 under 500 ms: ${full.report.fromEvent.p99 < 500 ? 'met' : 'MISSED'} in the first window at full scale (p99 ${p99s}); under 20 KB per idle subscriber: ${kb < 20 ? 'met' : 'MISSED'} (${fixed(kb, 1)} KB of heap)`);
  }
  // Chief's delivery guarantees fail the run; a comparison gateway's losses are only reported.
  const faulty = (r: DeliveryReport) => r.lost || r.duplicated || r.outOfOrder || r.unknown;
  if (chiefRun && (chiefRun.error || chiefRun.windows.some((w) => faulty(w.report)) || (chiefRun.resume && faulty(chiefRun.resume.report)))) process.exitCode = 1;
} finally {
  await tearDown();
}
