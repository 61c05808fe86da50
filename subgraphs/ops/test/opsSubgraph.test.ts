/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent, runOperation, type Identity } from '@chief/runtime';
import { startSubgraph, type TestSubgraph } from '../../../test/support/startSubgraph.ts';
import { errorOf, expectData } from '../../../test/support/startTestChief.ts';

type Events = { events: { edges: { node: { type: string; payload: { name: string } } }[] } };

/** The ops subgraph alone (no gateway, no other subgraph), called as the gateway would call it. */
describe('the ops subgraph on its own', () => {
  let ops: TestSubgraph;
  let workspaceId: string;
  const person = (role: string): Identity => ({ kind: 'user', userId: `ops-${role}-${process.pid}`, workspaceId, scopes: ['read', 'write'] });

  beforeAll(async () => {
    ops = await startSubgraph('ops');
    const [ws] = await ops.sql.unsafe(`insert into core.workspaces (name, slug, created_by_user_id) values ('Ops alone', 'ops-alone-' || substr(md5(random()::text), 1, 8), 'x') returning id`);
    workspaceId = ws!.id as string;
    for (const role of ['owner', 'viewer']) {
      await ops.sql.unsafe(`insert into core.members (workspace_id, user_id, role, display_name) values ('${workspaceId}', '${person(role).userId}', '${role}', '${role}')`);
    }
    await runOperation(ops.sql, person('owner'), (request) =>
      request.mutate((session) => appendEvent(session, { type: 'core.workspace.updated', entityId: workspaceId, payload: { name: 'Renamed' } })),
    );
  });
  afterAll(() => ops?.stop());

  it('shows the workspace\'s log to its members, the viewer included', async () => {
    for (const role of ['owner', 'viewer']) {
      const data = expectData(await ops.request<Events>(person(role), '{ events { edges { node { type payload } } } }'));
      expect(data.events.edges.map((e) => e.node)).toEqual([{ type: 'core.workspace.updated', payload: { name: 'Renamed' } }]);
    }
  });

  it('shows nothing to a person outside the workspace', async () => {
    const outsider: Identity = { kind: 'user', userId: `ops-outsider-${process.pid}`, workspaceId, scopes: ['read'] };
    expect(errorOf(await ops.request(outsider, '{ events { edges { node { id } } } }')).code).toBe('FORBIDDEN');
  });
});
