import { expectData, type ChiefClient, type Ids } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** core to a direct caller: the workspace's founders, and a founder by reference. */
export const probe: SubgraphProbe = {
  query: '{ founders { edges { node { id email } } } }',
  entity: { typename: 'Founder', fields: 'id email', id: async (_chief, ws) => ws.founderId },
};

/** A workspace with a user of every role, made through the API. */
export interface WorkspaceFixture {
  id: string;
  users: Record<'owner' | 'admin' | 'member' | 'viewer', { userId: string; memberId: string; token: string }>;
  founderId: string;
}

let counter = 0;

export async function createWorkspaceFixture(chief: ChiefClient, name: string): Promise<WorkspaceFixture> {
  const tag = `${name}-${process.pid}-${++counter}-${Date.now()}`;
  const ownerId = `owner|${tag}`;
  const created = await chief.request<Ids<'createWorkspace'>>(
    `mutation($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id } }`,
    { input: { name, ownerName: `${name} Owner` } },
    { token: await chief.token(ownerId) },
  );
  const id = expectData(created).createWorkspace.id;
  const ownerToken = await chief.token(ownerId, { workspaceId: id });
  const me = expectData(await chief.request<{ viewer: { member: { id: string } } }>(`{ viewer { member { id } } }`, {}, { token: ownerToken }));
  const users = { owner: { userId: ownerId, memberId: me.viewer.member.id, token: ownerToken } } as WorkspaceFixture['users'];
  for (const role of ['admin', 'member', 'viewer'] as const) {
    const userId = `${role}|${tag}`;
    const invited = await chief.request<Ids<'inviteMember'>>(
      `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { id } }`,
      { input: { userId, role: role.toUpperCase(), name: `${name} ${role}` } },
      { token: ownerToken },
    );
    users[role] = { userId, memberId: expectData(invited).inviteMember.id, token: await chief.token(userId, { workspaceId: id }) };
  }
  const founder = await chief.request<Ids<'createFounder'>>(
    `mutation { createFounder(input: { name: "${name} Founder", email: "founder@${name.toLowerCase().replace(/\W/g, '')}.test" }) { id } }`,
    {},
    { token: ownerToken },
  );
  return { id, users, founderId: expectData(founder).createFounder.id };
}
