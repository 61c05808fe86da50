import { existsSync } from 'node:fs';
import { authorizations, expectedBodies, seedScenarios, type Scenario } from './support/benchScenarios.ts';
import { gatewayNames, startBenchStack, type BenchStack, type GatewayName } from './support/benchStack.ts';
import { cpuSeconds, rssMiB } from './support/processStats.ts';
import { databaseProcesses } from './support/databaseProcesses.ts';
import { statementsPerRequest } from './support/serviceMetrics.ts';
import { runLoad, type LoadResult } from './support/runLoad.ts';

/**
 * `npm run bench`: the request path of Chief's gateway against a vanilla @apollo/gateway and Hive
 * Gateway in front of the same subgraph processes on the same database (the embedded PGlite, or
 * DATABASE_URL). Every scenario runs on every gateway in turn, the order rotating, for
 * BENCH_ROUNDS rounds (3) of BENCH_SECONDS (10) after BENCH_WARMUP_SECONDS (2); the figures are
 * the medians over the rounds. Prints requests per second, latency, the ratios, CPU per request
 * of each process, SQL statements per request and each gateway's memory.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
// Parts of the run, for a closer look: scenarios whose name contains BENCH_SCENARIO (or one of its
// |-separated parts), only the gateways in BENCH_GATEWAYS.
const onlyScenarios = process.env.BENCH_SCENARIO?.split('|');
const onlyGateways = process.env.BENCH_GATEWAYS?.split(',') as GatewayName[] | undefined;
// The comparison gateways are handed internal tokens, which live 60 s: fresh ones for each run,
// which must end (with the statement count after it) before they expire.
if (seconds > 45) throw new Error('BENCH_SECONDS must be at most 45: the comparison gateways carry internal tokens, which live 60 s');

interface Sample extends LoadResult {
  /** CPU milliseconds per request, by process (the gateway, each subgraph, the database). */
  cpu: Record<string, number>;
  statements: number;
}

const median = (values: number[]) => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const fixed = (value: number, digits = 0) => value.toFixed(digits);

async function measure(stack: BenchStack, gateway: GatewayName, scenario: Scenario, expected: string, database: () => number[]): Promise<Sample> {
  const url = stack.gateways[gateway].url;
  await runLoad(url, await authorizations(stack, gateway, scenario), scenario.body, warmup, expected);
  const auth = await authorizations(stack, gateway, scenario);
  const processes = {
    gateway: [stack.gateways[gateway].pid],
    ...Object.fromEntries(stack.subgraphs.map((s) => [s.name, [s.pid]])),
    database: database(),
    'load generator': [process.pid],
  };
  const cpuBefore = new Map(Object.values(processes).flat().map((pid) => [pid, cpuSeconds(pid)]));
  const result = await runLoad(url, auth, scenario.body, seconds, expected);
  // By process, what it used meanwhile: a database backend that started meanwhile counts whole, one
  // that ended meanwhile is left out (its last figures are gone with it).
  const used = (pids: number[]) => pids.reduce((sum, pid) => (existsSync(`/proc/${pid}`) ? sum + cpuSeconds(pid) - (cpuBefore.get(pid) ?? 0) : sum), 0);
  const perRequest = (value: number) => (result.requests ? value / result.requests : 0);
  const after = { ...processes, database: database() };
  return {
    ...result,
    cpu: Object.fromEntries(Object.entries(after).map(([name, pids]) => [name, perRequest(used(pids) * 1000)])),
    statements: await statementsPerRequest(stack, url, auth[0]!, scenario.body),
  };
}

const stack = await startBenchStack({ databaseUrl: process.env.DATABASE_URL, profileDir: process.env.BENCH_PROFILE_DIR });
try {
  const startRss = Object.fromEntries(gatewayNames.map((g) => [g, rssMiB(stack.gateways[g].pid)]));
  const scenarios = (await seedScenarios(stack)).filter((s) => !onlyScenarios || onlyScenarios.some((part) => s.name.includes(part)));
  const gatewaysRun = gatewayNames.filter((g) => !onlyGateways || onlyGateways.includes(g));
  const expected = new Map<Scenario, Record<GatewayName, string>>();
  for (const scenario of scenarios) expected.set(scenario, await expectedBodies(stack, scenario));
  const database = await databaseProcesses(stack);
  const idleRss = Object.fromEntries(gatewayNames.map((g) => [g, rssMiB(stack.gateways[g].pid)]));

  console.log(`Chief's gateway, vanilla @apollo/gateway and Hive Gateway in front of the same subgraphs (${stack.subgraphs.map((s) => s.name).join(', ')})`);
  console.log(`database: ${stack.embeddedDatabase ? 'embedded PGlite' : 'DATABASE_URL'}; ${rounds} interleaved rounds of ${seconds} s after ${warmup} s of warm-up; figures are medians over the rounds\n`);
  // One pass over everything first, so that no gateway's first scenario runs on code not yet compiled.
  for (const scenario of scenarios) {
    for (const gateway of gatewaysRun) await runLoad(stack.gateways[gateway].url, await authorizations(stack, gateway, scenario), scenario.body, warmup, expected.get(scenario)![gateway]);
  }
  const samples = new Map<Scenario, Record<GatewayName, Sample[]>>(scenarios.map((s) => [s, { chief: [], vanilla: [], hive: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const [index, scenario] of scenarios.entries()) {
      // The order rotates, so no gateway always runs first (or right after another's load).
      const shift = (round + index) % gatewaysRun.length;
      for (const gateway of [...gatewaysRun.slice(shift), ...gatewaysRun.slice(0, shift)]) {
        const sample = await measure(stack, gateway, scenario, expected.get(scenario)![gateway], database);
        samples.get(scenario)![gateway].push(sample);
        console.log(`round ${round + 1}, ${scenario.name}, ${gateway}: ${fixed(sample.requestsPerSecond)} req/s${sample.failures ? `, ${sample.failures} FAILED` : ''}`);
      }
    }
  }

  const of = (scenario: Scenario, gateway: GatewayName, pick: (s: Sample) => number) => median(samples.get(scenario)![gateway].map(pick));
  const rps = (scenario: Scenario, gateway: GatewayName) => of(scenario, gateway, (s) => s.requestsPerSecond);
  console.log('\n| scenario | Chief req/s | vanilla req/s | Hive req/s | Chief/vanilla | Chief/Hive | p50 ms (Chief/vanilla/Hive) | p99 ms (Chief/vanilla/Hive) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const scenario of scenarios) {
    const [c, v, h] = gatewayNames.map((g) => rps(scenario, g)) as [number, number, number];
    const latency = (pick: (s: Sample) => number) => gatewayNames.map((g) => fixed(of(scenario, g, pick), 1)).join(' / ');
    console.log(`| ${scenario.name} | ${fixed(c)} | ${fixed(v)} | ${fixed(h)} | ${fixed(c / v, 2)} | ${fixed(c / h, 2)} | ${latency((s) => s.p50)} | ${latency((s) => s.p99)} |`);
  }

  const processNames = ['gateway', ...stack.subgraphs.map((s) => s.name), 'database', 'load generator'];
  console.log(`\nCPU ms per request by process (${processNames.join(' / ')}) and SQL statements per request`);
  console.log('\n| scenario | gateway | CPU ms per request | statements |');
  console.log('|---|---|---|---|');
  for (const scenario of scenarios) {
    for (const gateway of gatewayNames) {
      const cpu = processNames.map((name) => fixed(of(scenario, gateway, (s) => s.cpu[name] ?? 0), 2)).join(' / ');
      console.log(`| ${scenario.name} | ${gateway} | ${cpu} | ${fixed(of(scenario, gateway, (s) => s.statements), 1)} |`);
    }
  }

  const failures = scenarios.flatMap((s) => gatewayNames.flatMap((g) => samples.get(s)![g].map((x) => x.failures))).reduce((a, b) => a + b, 0);
  const [large, small] = ['cross-subgraph, 100 tasks, 8 clients', 'cross-subgraph, 5 tasks, 8 clients'].map((name) => scenarios.find((s) => s.name === name));
  if (large && small) console.log(`\nat 100 tasks / at 5 tasks: ${gatewaysRun.map((g) => `${g} ${fixed(rps(large, g) / rps(small, g), 2)}`).join(', ')}`);
  const afterRun = Object.fromEntries(gatewayNames.map((g) => [g, rssMiB(stack.gateways[g].pid)]));
  console.log(`gateway RSS, MiB (started, no request / idle after one request of each scenario / after the run): ${gatewayNames.map((g) => `${g} ${fixed(startRss[g]!)} / ${fixed(idleRss[g]!)} / ${fixed(afterRun[g]!)}`).join(', ')}`);
  console.log(`Chief/vanilla RSS: started ${fixed(startRss.chief! / startRss.vanilla!, 2)}, idle ${fixed(idleRss.chief! / idleRss.vanilla!, 2)}`);
  console.log(`failed requests: ${failures}`);
  if (failures) process.exitCode = 1;
} finally {
  await stack.stop();
}
