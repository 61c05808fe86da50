import { expectData, type ChiefClient, type Ids, type Page } from './startTestChief.ts';
import { type WorkspaceFixture } from '../../subgraphs/core/test/fixtures.ts';

/** Tasks (work) with their assignee and founder (core), and a contact (core) with its tasks (work). */
export const CROSS_QUERY = `query Cross($first: Int!, $contactId: ID!) {
  tasks(first: $first) {
    edges { node { id title assignee { id name role } founder { id email } contact { name } } }
    pageInfo { hasNextPage endCursor }
  }
  contact(id: $contactId) { id name relatedTasks(first: 100) { edges { node { id title } } } }
}`;

/**
 * A contact and `count` tasks for it, assigned in turn to the admin, the member and the owner,
 * all for the workspace's founder. Returns the contact's id.
 */
export async function seedTasks(client: ChiefClient, ws: WorkspaceFixture, count: number): Promise<string> {
  const token = ws.users.owner.token;
  const contact = expectData(await client.request<Ids<'createContact'>>(`mutation { createContact(input: { name: "Grace Hopper", email: "grace@navy.test" }) { id } }`, {}, { token }));
  const contactId = contact.createContact.id;
  const assignees = [ws.users.admin.memberId, ws.users.member.memberId, ws.users.owner.memberId];
  // Operations of up to 25 aliased mutations (under the gateway's alias limit); each mutation
  // runs under its own savepoint.
  const mutations = Array.from({ length: count }, (_, i) =>
    `t${i}: createTask(input: { title: "Task ${i}", assigneeId: "${assignees[i % 3]}", founderId: "${ws.founderId}", contactId: "${contactId}" }) { id }`,
  );
  for (let i = 0; i < mutations.length; i += 25) {
    expectData(await client.request(`mutation { ${mutations.slice(i, i + 25).join('\n')} }`, {}, { token }));
  }
  return contactId;
}

/** What CROSS_QUERY answers. */
export interface CrossData {
  tasks: Page<{ id: string; title: string; assignee: { id: string; name: string; role: string } | null; founder: { id: string; email: string } | null; contact: { name: string } | null }>;
  contact: { id: string; name: string; relatedTasks: Page<{ id: string; title: string }> };
}

/** Checks the answer to CROSS_QUERY for a workspace seeded by seedTasks. */
export function expectCrossData(data: CrossData, ws: WorkspaceFixture, name: string, count: number, founderEmail: string) {
  const names = new Map([
    [ws.users.admin.memberId, `${name} admin`],
    [ws.users.member.memberId, `${name} member`],
    [ws.users.owner.memberId, `${name} Owner`],
  ]);
  const problems: string[] = [];
  if (data.tasks.edges.length !== count) problems.push(`expected ${count} tasks, got ${data.tasks.edges.length}`);
  for (const { node } of data.tasks.edges) {
    if (node.assignee?.name !== names.get(node.assignee?.id ?? '')) problems.push(`task ${node.id}: assignee ${JSON.stringify(node.assignee)}`);
    if (node.founder?.id !== ws.founderId || node.founder?.email !== founderEmail) problems.push(`task ${node.id}: founder ${JSON.stringify(node.founder)}`);
    if (node.contact?.name !== 'Grace Hopper') problems.push(`task ${node.id}: contact ${JSON.stringify(node.contact)}`);
  }
  const related = new Set(data.contact.relatedTasks.edges.map((e) => e.node.id));
  const listed = new Set(data.tasks.edges.map((e) => e.node.id));
  if (related.size !== listed.size || [...listed].some((id) => !related.has(id))) problems.push('the contact\'s related tasks differ from the task list');
  if (problems.length) throw new Error(problems.join('\n'));
}
