import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type Ids, type Page, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

describe('partner API keys at the gateway', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let other: WorkspaceFixture;
  const keys: Record<'read' | 'write', { id: string; secret: string }> = {} as never;

  const withKey = <TData = unknown>(secret: string, query: string, variables: Record<string, unknown> = {}, header: 'bearer' | 'x-api-key' = 'bearer') =>
    chief.request<TData>(query, variables, header === 'bearer' ? { headers: { authorization: `Bearer ${secret}` } } : { headers: { 'x-api-key': secret } });

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Partner');
    other = await createWorkspaceFixture(chief, 'Elsewhere');
    expectData(await chief.request('mutation { createTask(input: { title: "Visible to keys" }) { id } }', {}, { token: ws.users.owner.token }));
    expectData(await chief.request('mutation { createTask(input: { title: "Not for this key" }) { id } }', {}, { token: other.users.owner.token }));
    const created = expectData(await chief.request<Record<'read' | 'write', { apiKey: { id: string }; secret: string }>>(
      `mutation {
        read: createApiKey(input: { name: "Dashboard", scopes: [READ] }) { apiKey { id } secret }
        write: createApiKey(input: { name: "Sync", scopes: [READ, WRITE] }) { apiKey { id } secret }
      }`, {}, { token: ws.users.admin.token },
    ));
    for (const scope of ['read', 'write'] as const) keys[scope] = { id: created[scope].apiKey.id, secret: created[scope].secret };
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('authenticates a key sent as a bearer token or as x-api-key, within its workspace only', async () => {
    for (const header of ['bearer', 'x-api-key'] as const) {
      const data = expectData(await withKey<{ tasks: Page<{ title: string }>; workspace: { id: string } }>(keys.read.secret, '{ tasks { edges { node { title } } } workspace { id } }', {}, header));
      expect(data.tasks.edges.map((e) => e.node.title)).toEqual(['Visible to keys']);
      expect(data.workspace.id).toBe(ws.id);
    }
    const elsewhere = await chief.request('{ tasks { edges { node { id } } } }', {}, { headers: { 'x-api-key': keys.read.secret, 'x-chief-workspace': other.id } });
    expect(errorOf(elsewhere).code).toBe('FORBIDDEN');
  });

  it('records when a key was last used', async () => {
    const data = expectData(await chief.request<{ apiKeys: Page<{ id: string; lastUsedAt: string }> }>('{ apiKeys { edges { node { id lastUsedAt } } } }', {}, { token: ws.users.owner.token }));
    const used = data.apiKeys.edges.find((e) => e.node.id === keys.read.id)!.node;
    expect(Date.now() - Date.parse(used.lastUsedAt)).toBeLessThan(60_000);
  });

  it('refuses a mutation from a read-only key, and changes nothing', async () => {
    const result = await withKey(keys.read.secret, 'mutation { createTask(input: { title: "Sneaky" }) { id } }');
    expect(errorOf(result)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/read-only/) });
    const [row] = await sql.unsafe(`select count(*)::int as n from work.tasks where title = 'Sneaky'`);
    expect(row!.n).toBe(0);
  });

  it('lets a write key change data, recorded as done by the key', async () => {
    const created = expectData(await withKey<Ids<'createTask'>>(keys.write.secret, 'mutation { createTask(input: { title: "From the sync" }) { id } }'));
    const [event] = await sql.unsafe(
      `select actor_type, actor_id from ops.events where workspace_id = ${literal(ws.id)} and type = 'work.task.created' and entity_id = ${literal(created.createTask.id)}`,
    );
    expect(event).toEqual({ actor_type: 'api_key', actor_id: keys.write.id });
  });

  it('does not let a key manage members or keys', async () => {
    const result = await withKey(keys.write.secret, 'mutation { createApiKey(input: { name: "Escalate" }) { secret } }');
    expect(errorOf(result).code).toBe('FORBIDDEN');
  });

  it('refuses an unknown key, and a revoked key on the very next request', async () => {
    expect(errorOf(await withKey('chief_nothing_here', '{ tasks { edges { node { id } } } }')).code).toBe('UNAUTHENTICATED');
    expectData(await withKey(keys.write.secret, '{ tasks { edges { node { id } } } }'));
    expectData(await chief.request('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: keys.write.id }, { token: ws.users.owner.token }));
    const refused = await withKey(keys.write.secret, '{ tasks { edges { node { id } } } }');
    expect(refused.status).toBe(401);
    expect(errorOf(refused).code).toBe('UNAUTHENTICATED');
  });
});
