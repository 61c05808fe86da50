import { startBenchStack, type BenchProcess } from './support/benchStack.ts';
import { authorizations, seedScenarios } from './support/benchScenarios.ts';
import { cpuSeconds } from './support/processStats.ts';
import { runLoad } from './support/runLoad.ts';

/**
 * `npm run bench:execution`: the work subgraph's execution compiled (graphql-jit, see
 * runtime/src/createCompiledExecution.ts) against graphql-js, side by side. Two work processes on the
 * same database, one compiling (GRAPHQL_COMPILE_AFTER=1) and one not (0), are sent the fetch the
 * gateway sends work for the cross query (a page of tasks with their references), for the
 * 5-task and the 100-task workspaces, by 8 clients, in turn for BENCH_ROUNDS rounds (4) of
 * BENCH_SECONDS (5). Prints each one's requests per second and CPU per request (medians), and
 * the CPU per task row beyond the first five.
 */
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const WORK_FETCH = 'query Cross__work__0($first:Int!){tasks(first:$first){edges{node{id title assignee{__typename id}founder{__typename id}contact{__typename id}}}pageInfo{hasNextPage endCursor}}}';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const stack = await startBenchStack({ databaseUrl: process.env.DATABASE_URL, gateways: ['chief'] });
try {
  const scenarios = await seedScenarios(stack);
  const modes = { compiled: '1', 'graphql-js': '0' } as const;
  const work = {} as Record<keyof typeof modes, BenchProcess>;
  for (const [mode, compileAfter] of Object.entries(modes) as [keyof typeof modes, string][]) {
    work[mode] = await stack.startSubgraph('work', { GRAPHQL_COMPILE_AFTER: compileAfter });
  }
  console.log(`The work subgraph's fetch for the cross query, compiled and by graphql-js; ${rounds} rounds of ${seconds} s, medians\n`);
  console.log('| tasks | compiled req/s | graphql-js req/s | compiled CPU µs/request | graphql-js CPU µs/request | compiled/graphql-js CPU |');
  console.log('|---|---|---|---|---|---|');
  const perRequest: Record<number, Record<string, number>> = {};
  for (const first of [5, 100]) {
    const scenario = scenarios.find((s) => s.name.startsWith(`cross-subgraph, ${first} tasks`))!;
    // A subgraph takes the internal tokens the comparison gateways are handed.
    const auth = await authorizations(stack, 'vanilla', scenario);
    const body = { query: WORK_FETCH, variables: { first } };
    const expected = await (await fetch(work['graphql-js'].url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth[0]! }, body: JSON.stringify(body) })).text();
    if (!expected.includes(`"edges"`) || expected.includes('"errors"')) throw new Error(`work answered ${expected.slice(0, 300)}`);
    const cpu: Record<string, number[]> = { compiled: [], 'graphql-js': [] };
    const rps: Record<string, number[]> = { compiled: [], 'graphql-js': [] };
    for (let round = 0; round < rounds; round++) {
      for (const mode of (round % 2 ? ['graphql-js', 'compiled'] : ['compiled', 'graphql-js']) as (keyof typeof modes)[]) {
        const { url, pid } = work[mode];
        await runLoad(url, auth, body, 1, expected);
        const before = cpuSeconds(pid);
        const result = await runLoad(url, auth, body, seconds, expected);
        if (result.failures) throw new Error(`${mode}, ${first} tasks: ${result.failures} failed requests`);
        cpu[mode]!.push(((cpuSeconds(pid) - before) * 1e6) / result.requests);
        rps[mode]!.push(result.requestsPerSecond);
      }
    }
    perRequest[first] = { compiled: median(cpu.compiled!), 'graphql-js': median(cpu['graphql-js']!) };
    const row = perRequest[first]!;
    console.log(`| ${first} | ${median(rps.compiled!).toFixed(0)} | ${median(rps['graphql-js']!).toFixed(0)} | ${row.compiled!.toFixed(0)} | ${row['graphql-js']!.toFixed(0)} | ${(row.compiled! / row['graphql-js']!).toFixed(2)} |`);
  }
  const perRow = (mode: string) => (perRequest[100]![mode]! - perRequest[5]![mode]!) / 95;
  console.log(`\nCPU per task row beyond five: compiled ${perRow('compiled').toFixed(1)} µs, graphql-js ${perRow('graphql-js').toFixed(1)} µs`);
} finally {
  await stack.stop();
}
