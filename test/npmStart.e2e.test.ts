import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { subgraphNames, subgraphVariables } from '@chief/runtime';
import { spawnService, type SpawnedService } from './support/spawnService.ts';
import { createClient, expectData, type Page } from './support/startTestChief.ts';

const run = promisify(execFile);

/**
 * What a newcomer does: `npm start` with no configuration (only free ports and a fresh data
 * folder, so it does not collide with anything on this machine), a token from the documented
 * command, and a query of the demo data.
 */
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chief-start-'));
  const freePorts = Object.fromEntries(['GATEWAY_PORT', ...subgraphNames.map((name) => subgraphVariables(name).port)].map((variable) => [variable, '0']));
  const env = { PGLITE_DATA_DIR: dataDir, ...freePorts, LOG_LEVEL: 'warn' };
  const banner = /GraphQL API\s+(http:\/\/localhost:\d+\/graphql)/;
  let running: SpawnedService | undefined;

  afterAll(async () => {
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ownerToken = async () => (await run('npm', ['run', '-s', 'token', '--', '--role', 'owner'], { env: { ...process.env, ...env, NODE_ENV: '' } })).stdout.trim();
  type Demo = {
    workspace: { name: string };
    founders: Page<{ name: string; email: string }>;
    tasks: Page<{ title: string; assignee: { name: string } | null }>;
    deals: Page<{ title: string; value: { amount: string; currency: string } | null }>;
  };
  const demoQuery = `{ workspace { name } founders { edges { node { name email } } } tasks(first: 50) { edges { node { title assignee { name } } } } deals { edges { node { title value { amount currency } } } } }`;

  it('serves the demo data on first start, to a token from npm run token', async () => {
    running = await spawnService(['npm', 'start'], env, { waitFor: banner, timeoutMs: 120_000 });
    expect(running.output()).toMatch(/Acme Robotics .*, loaded now/);
    expect(running.output()).toMatch(/npm run -s token -- --role owner/);
    const data = expectData(await createClient(running.url).request<Demo>(demoQuery, {}, { token: await ownerToken() }));
    expect(data.workspace.name).toBe('Acme Robotics');
    expect(data.founders.edges.map((e) => e.node)).toEqual([{ name: 'Ada Lovelace', email: 'ada@acme.test' }]);
    expect(data.tasks.edges.length).toBeGreaterThanOrEqual(5);
    expect(data.tasks.edges.some((e) => e.node.assignee?.name)).toBe(true);
    expect(data.deals.edges.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps the data between runs and loads the demo only once', async () => {
    const client = createClient(running!.url);
    const token = await ownerToken();
    expectData(await client.request('mutation { createTask(input: { title: "Survives a restart" }) { id } }', {}, { token }));
    // npm re-raises the signal once its child has exited, so the child's own words tell a clean stop.
    await running!.stop();
    expect(running!.output()).toMatch(/Chief stopped; the database is closed\./);

    running = await spawnService(['npm', 'start'], env, { waitFor: banner, timeoutMs: 120_000 });
    expect(running.output()).not.toMatch(/loaded now/);
    const data = expectData(await createClient(running.url).request<Demo>(demoQuery, {}, { token }));
    const titles = data.tasks.edges.map((e) => e.node.title);
    expect(titles).toContain('Survives a restart');
    expect(titles.filter((t) => t === 'Send term sheet comments to Grace')).toHaveLength(1);
  });
});
