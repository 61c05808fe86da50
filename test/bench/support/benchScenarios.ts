import { createInternalTokens } from '@chief/runtime';
import { CROSS_QUERY, seedTasks } from '../../support/crossDomain.ts';
import { createClient, expectData, type ChiefClient } from '../../support/startTestChief.ts';
import { createWorkspaceFixture } from '../../../subgraphs/core/test/fixtures.ts';
import type { BenchStack, GatewayName } from './benchStack.ts';

/** Contacts of the core-only scenario: one page of 20, one subgraph, one table. */
export const CONTACTS_QUERY = `query Contacts { contacts(first: 20) { edges { node { id name email company tags } } pageInfo { hasNextPage endCursor } } }`;

/** The most clients a scenario runs with: each client is its own member of the workspace. */
export const MAX_CLIENTS = 32;

export interface BenchWorkspace {
  id: string;
  contactId: string;
  /** Members of the workspace, one per client, so no two clients share an identity. */
  userIds: string[];
}

export interface Scenario {
  name: string;
  workspace: BenchWorkspace;
  clients: number;
  body: { query: string; variables: Record<string, unknown> };
}

/** A workspace with `tasks` tasks (see seedTasks) and MAX_CLIENTS members to ask for them. */
export async function seedWorkspace(client: ChiefClient, name: string, tasks: number, contacts = 0): Promise<BenchWorkspace> {
  const ws = await createWorkspaceFixture(client, name);
  const contactId = await seedTasks(client, ws, tasks);
  const token = ws.users.owner.token;
  const userIds = Array.from({ length: MAX_CLIENTS }, (_, i) => `bench-${i}|${ws.id}`);
  // Operations of 25 aliased mutations at most (the gateway's alias limit).
  for (let i = 0; i < userIds.length; i += 25) {
    const invites = userIds.slice(i, i + 25).map((userId, j) => `m${j}: inviteMember(input: { userId: "${userId}", role: MEMBER, name: "Bench ${i + j}" }) { id }`);
    expectData(await client.request(`mutation { ${invites.join('\n')} }`, {}, { token }));
  }
  for (let i = 0; i < contacts; i += 25) {
    const created = Array.from({ length: Math.min(25, contacts - i) }, (_, j) => `c${j}: createContact(input: { name: "Contact ${i + j}", email: "c${i + j}@bench.test", company: "Bench" }) { id }`);
    expectData(await client.request(`mutation { ${created.join('\n')} }`, {}, { token }));
  }
  return { id: ws.id, contactId, userIds };
}

/** The cross-subgraph query for the first `first` tasks of a workspace, by `clients` clients. */
export const crossScenario = (workspace: BenchWorkspace, first: number, clients: number): Scenario => ({
  name: `cross-subgraph, ${first} tasks, ${clients} clients`,
  workspace,
  clients,
  body: { query: CROSS_QUERY, variables: { first, contactId: workspace.contactId } },
});

/** One page of contacts, from core alone. */
export const contactsScenario = (workspace: BenchWorkspace, clients: number): Scenario => ({ name: `core only (contacts(first: 20)), ${clients} clients`, workspace, clients, body: { query: CONTACTS_QUERY, variables: {} } });

/** What the gateway answers without a subgraph. */
export const typenameScenario = (workspace: BenchWorkspace, clients: number): Scenario => ({ name: `{ __typename }, ${clients} clients`, workspace, clients, body: { query: '{ __typename }', variables: {} } });

/**
 * The benchmark's scenarios on data seeded through Chief's gateway: the cross-subgraph query at
 * 5, 20 and 100 tasks (tasks from work, their assignee, founder and contact from core, a contact's
 * tasks from work), at 8 clients and at 32; one page of contacts from core alone; and
 * `{ __typename }`, which the gateway answers without a subgraph.
 */
export async function seedScenarios(stack: BenchStack<'chief'>): Promise<Scenario[]> {
  const client = createClient(stack.gateways.chief.url);
  const small = await seedWorkspace(client, 'Bench5', 5);
  const medium = await seedWorkspace(client, 'Bench20', 20, 19);
  const large = await seedWorkspace(client, 'Bench100', 100);
  return [
    crossScenario(small, 5, 8),
    crossScenario(medium, 20, 8),
    crossScenario(medium, 20, 32),
    crossScenario(large, 100, 8),
    contactsScenario(medium, 8),
    typenameScenario(medium, 8),
  ];
}

/**
 * The Authorization header each client of a scenario sends to a gateway, fresh (tokens expire):
 * to Chief, a user's JWT as an identity provider would issue it; to the comparison gateways, which
 * check nothing, the internal token Chief's gateway would have signed for that user, passed on.
 */
export async function authorizations(stack: BenchStack<'chief'>, gateway: GatewayName, scenario: Scenario): Promise<string[]> {
  const users = scenario.workspace.userIds.slice(0, scenario.clients);
  if (gateway === 'chief') {
    const client = createClient(stack.gateways.chief.url);
    return Promise.all(users.map(async (userId) => `Bearer ${await client.token(userId, { workspaceId: scenario.workspace.id, secret: stack.env.AUTH_JWT_SECRET })}`));
  }
  const tokens = createInternalTokens(stack.env.SUBGRAPH_SECRET);
  return Promise.all(users.map(async (userId) => `Bearer ${await tokens.sign({ kind: 'user', userId, workspaceId: scenario.workspace.id, scopes: ['read', 'write'] })}`));
}

/**
 * Sends each scenario once through each gateway and returns the body each answers with, after
 * checking they all answer the same data without errors: the benchmark compares like with like.
 */
export async function expectedBodies(stack: BenchStack, scenario: Scenario): Promise<Record<GatewayName, string>> {
  const bodies = {} as Record<GatewayName, string>;
  let reference: string | undefined;
  for (const gateway of Object.keys(stack.gateways) as GatewayName[]) {
    const [authorization] = await authorizations(stack, gateway, scenario);
    const response = await fetch(stack.gateways[gateway].url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: authorization! },
      body: JSON.stringify(scenario.body),
    });
    const text = await response.text();
    const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
    if (response.status !== 200 || parsed.errors || !parsed.data) throw new Error(`${gateway}, ${scenario.name}: ${response.status} ${text.slice(0, 500)}`);
    const data = JSON.stringify(parsed.data);
    if (reference !== undefined && data !== reference) throw new Error(`${gateway}, ${scenario.name}: answered other data than the first gateway`);
    reference = data;
    bodies[gateway] = text;
  }
  return bodies;
}
