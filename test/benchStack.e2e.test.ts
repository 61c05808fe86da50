import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './support/startTestChief.ts';
import { authorizations, contactsScenario, crossScenario, expectedBodies, seedWorkspace, typenameScenario, type BenchWorkspace } from './bench/support/benchScenarios.ts';
import { startBenchStack, type BenchStack } from './bench/support/benchStack.ts';
import { runLoad } from './bench/support/runLoad.ts';
import { statementsPerRequest } from './bench/support/serviceMetrics.ts';

// The benchmark's harness (npm run bench) on a small workspace: its three gateways, each its own
// process, in front of the same subgraph processes. This is where Hive Gateway (whose packages ask
// for Node 20 or later) is proven on the Node that runs the suite.
describe('the benchmark stack', () => {
  let stack: BenchStack;
  let workspace: BenchWorkspace;

  beforeAll(async () => {
    stack = await startBenchStack({ databaseUrl: process.env.DATABASE_URL });
    workspace = await seedWorkspace(createClient(stack.gateways.chief.url), 'BenchCheck', 5, 3);
  }, 240_000);
  afterAll(() => stack?.stop());

  it('has Chief, vanilla @apollo/gateway and Hive Gateway answer every scenario with the same data', async () => {
    for (const scenario of [crossScenario(workspace, 5, 2), contactsScenario(workspace, 2), typenameScenario(workspace, 2)]) {
      const bodies = await expectedBodies(stack, scenario);
      expect(Object.keys(bodies).sort()).toEqual(['chief', 'hive', 'vanilla']);
    }
    const cross = JSON.parse((await expectedBodies(stack, crossScenario(workspace, 5, 2))).hive) as { data: { tasks: { edges: unknown[] } } };
    expect(cross.data.tasks.edges).toHaveLength(5);
  });

  it('counts an answer other than the expected one as a failure, never as speed', async () => {
    const scenario = crossScenario(workspace, 5, 2);
    const { chief: expected } = await expectedBodies(stack, scenario);
    const auth = await authorizations(stack, 'chief', scenario);
    const good = await runLoad(stack.gateways.chief.url, auth, scenario.body, 1, expected);
    expect(good.requests).toBeGreaterThan(0);
    expect(good.failures).toBe(0);
    const wrong = await runLoad(stack.gateways.chief.url, auth, scenario.body, 1, expected.replace('Grace Hopper', 'Ada Lovelace'));
    expect(wrong.failures).toBeGreaterThan(0);
  });

  it("sends fewer SQL statements per cross-subgraph request through Chief's gateway than through vanilla's", async () => {
    const scenario = crossScenario(workspace, 5, 1);
    const perGateway = async (gateway: 'chief' | 'vanilla') => {
      const [authorization] = await authorizations(stack, gateway, scenario);
      return statementsPerRequest(stack, stack.gateways[gateway].url, authorization!, scenario.body, 3);
    };
    const chief = await perGateway('chief');
    const vanilla = await perGateway('vanilla');
    expect(chief).toBe(18);
    expect(vanilla).toBe(24);
  });
});
