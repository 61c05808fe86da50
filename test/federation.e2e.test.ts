import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSS_QUERY, expectCrossData, seedTasks, type CrossData } from './support/crossDomain.ts';
import { expectData, startTestChief, type TestChief, type Ids, type Page } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

describe('a query across core and work through the gateway', () => {
  let chief: TestChief;
  let small: WorkspaceFixture;
  let large: WorkspaceFixture;
  const contacts: Record<string, string> = {};

  beforeAll(async () => {
    chief = await startTestChief();
    small = await createWorkspaceFixture(chief, 'Small');
    large = await createWorkspaceFixture(chief, 'Large');
    contacts[small.id] = await seedTasks(chief, small, 5);
    contacts[large.id] = await seedTasks(chief, large, 50);
  });
  afterAll(() => chief?.stop());

  it('returns tasks with their assignee member and founder from core, and a contact with its tasks from work', async () => {
    const data = expectData(await chief.request<CrossData>(CROSS_QUERY, { first: 50, contactId: contacts[large.id] }, { token: large.users.viewer.token }));
    expectCrossData(data, large, 'Large', 50, 'founder@large.test');
  });

  it('costs the same number of SQL statements for 5 tasks as for 50', async () => {
    chief.statements.reset();
    expectData(await chief.request(CROSS_QUERY, { first: 50, contactId: contacts[small.id] }, { token: small.users.member.token }));
    const forFive = chief.statements.count;
    chief.statements.reset();
    expectData(await chief.request(CROSS_QUERY, { first: 50, contactId: contacts[large.id] }, { token: large.users.member.token }));
    const forFifty = chief.statements.count;
    expect(forFive).toBeGreaterThan(0);
    expect(forFifty).toBe(forFive);
  });

  it('pages through tasks with keyset cursors, without gaps or repeats', async () => {
    type TaskPage = { tasks: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const query = `query($after: String) { tasks(first: 7, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
      const data: TaskPage = expectData(await chief.request<TaskPage>(query, { after }, { token: large.users.owner.token }));
      seen.push(...data.tasks.edges.map((e) => e.node.id));
      after = data.tasks.pageInfo.hasNextPage ? data.tasks.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
  });

  it('filters tasks by status, assignee and due date', async () => {
    const token = small.users.owner.token;
    const task = expectData(await chief.request<Ids<'createTask'>>(`mutation { createTask(input: { title: "Due soon", priority: URGENT, dueAt: "2030-01-01T00:00:00Z", status: IN_PROGRESS }) { id } }`, {}, { token })).createTask;
    const byStatus = expectData(await chief.request<{ tasks: Page<{ id: string }> }>(`{ tasks(filter: { status: [IN_PROGRESS], priority: [URGENT], dueBefore: "2030-01-02T00:00:00Z", dueAfter: "2029-12-31T00:00:00Z" }) { edges { node { id } } } }`, {}, { token }));
    expect(byStatus.tasks.edges.map((e) => e.node.id)).toEqual([task.id]);
    const byAssignee = expectData(await chief.request<{ tasks: Page<{ assignee: { id: string } | null }> }>(`query($id: ID!) { tasks(first: 100, filter: { assigneeId: $id }) { edges { node { assignee { id } } } } }`, { id: small.users.admin.memberId }, { token }));
    expect(byAssignee.tasks.edges.length).toBeGreaterThan(0);
    expect(byAssignee.tasks.edges.every((e) => e.node.assignee?.id === small.users.admin.memberId)).toBe(true);
  });
});
