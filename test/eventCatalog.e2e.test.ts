import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, isEventType, readEvent } from '@chief/runtime';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { expectData, startTestChief, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** Ids made by earlier steps, for the later ones. */
type Made = Record<string, string>;

/**
 * Every mutation of the API once, with valid input, in an order where each finds what it needs.
 * A mutation added to the API without a step here fails the coverage test below.
 */
/** What a step's mutation answers: its field, holding the id it made (or the key it made, for createApiKey). */
type Answer = Record<string, { id: string; apiKey: { id: string } }>;

const steps: { mutation: string; query: string; variables?: (made: Made, ws: WorkspaceFixture) => Record<string, unknown>; keep?: (data: Answer) => Made }[] = [
  { mutation: 'createWorkspace', query: 'mutation { createWorkspace(input: { name: "Side project", ownerName: "Owner" }) { id } }' },
  { mutation: 'updateWorkspace', query: 'mutation { updateWorkspace(input: { name: "Catalogued" }) { id } }' },
  {
    mutation: 'inviteMember',
    query: 'mutation($user: String!) { inviteMember(input: { userId: $user, role: VIEWER, name: "Guest" }) { id } }',
    variables: (_, ws) => ({ user: `guest|${ws.id}` }),
    keep: (d) => ({ guest: d.inviteMember!.id }),
  },
  { mutation: 'changeMemberRole', query: 'mutation($id: ID!) { changeMemberRole(id: $id, role: MEMBER) { id } }', variables: (m) => ({ id: m.guest }) },
  { mutation: 'createFounder', query: 'mutation { createFounder(input: { name: "Second Founder", email: "second@founders.test" }) { id } }', keep: (d) => ({ founder: d.createFounder!.id }) },
  { mutation: 'updateFounder', query: 'mutation($id: ID!) { updateFounder(id: $id, input: { title: "CTO" }) { id } }', variables: (m) => ({ id: m.founder }) },
  { mutation: 'createContact', query: 'mutation { createContact(input: { name: "Cat", email: "cat@log.test" }) { id } }', keep: (d) => ({ contact: d.createContact!.id }) },
  { mutation: 'updateContact', query: 'mutation($id: ID!) { updateContact(id: $id, input: { company: "Catalog Inc" }) { id } }', variables: (m) => ({ id: m.contact }) },
  { mutation: 'createDeal', query: 'mutation($c: ID!) { createDeal(input: { title: "Pilot", contactId: $c }) { id } }', variables: (m) => ({ c: m.contact }), keep: (d) => ({ deal: d.createDeal!.id }) },
  { mutation: 'updateDeal', query: 'mutation($id: ID!) { updateDeal(id: $id, input: { stage: CLOSED_WON }) { id } }', variables: (m) => ({ id: m.deal }) },
  {
    mutation: 'connectIntegration',
    query: 'mutation { connectIntegration(input: { platform: SLACK, credentials: { token: "t" } }) { id } }',
    keep: (d) => ({ integration: d.connectIntegration!.id }),
  },
  { mutation: 'disconnectIntegration', query: 'mutation($id: ID!) { disconnectIntegration(id: $id) { id } }', variables: (m) => ({ id: m.integration }) },
  { mutation: 'createApiKey', query: 'mutation { createApiKey(input: { name: "Catalog" }) { apiKey { id } } }', keep: (d) => ({ key: d.createApiKey!.apiKey.id }) },
  { mutation: 'revokeApiKey', query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', variables: (m) => ({ id: m.key }) },
  { mutation: 'createTask', query: 'mutation($d: ID!) { createTask(input: { title: "Ship", dealId: $d }) { id } }', variables: (m) => ({ d: m.deal }), keep: (d) => ({ task: d.createTask!.id }) },
  { mutation: 'updateTask', query: 'mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }', variables: (m) => ({ id: m.task }) },
  { mutation: 'linkTask', query: 'mutation($id: ID!) { linkTask(input: { taskId: $id, platform: JIRA, externalId: "CAT-1" }) { id } }', variables: (m) => ({ id: m.task }), keep: (d) => ({ link: d.linkTask!.id }) },
  { mutation: 'unlinkTask', query: 'mutation($id: ID!) { unlinkTask(id: $id) }', variables: (m) => ({ id: m.link }) },
  { mutation: 'completeTask', query: 'mutation($id: ID!) { completeTask(id: $id) { id } }', variables: (m) => ({ id: m.task }) },
  { mutation: 'deleteTask', query: 'mutation($id: ID!) { deleteTask(id: $id) }', variables: (m) => ({ id: m.task }) },
  { mutation: 'deleteDeal', query: 'mutation($id: ID!) { deleteDeal(id: $id) }', variables: (m) => ({ id: m.deal }) },
  { mutation: 'deleteContact', query: 'mutation($id: ID!) { deleteContact(id: $id) }', variables: (m) => ({ id: m.contact }) },
  { mutation: 'removeMember', query: 'mutation($id: ID!) { removeMember(id: $id) }', variables: (m) => ({ id: m.guest }) },
];

describe('the events every mutation writes', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Catalog');
    const made: Made = {};
    for (const step of steps) {
      const data = expectData(await chief.request<Answer>(step.query, step.variables?.(made, ws) ?? {}, { token: ws.users.owner.token }));
      Object.assign(made, step.keep?.(data));
    }
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('runs every mutation of the API', () => {
    const api = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
    expect(steps.map((s) => s.mutation).sort()).toEqual(Object.keys(api.getMutationType()!.getFields()).sort());
  });

  it('are every catalogued type, each read back through the catalog, about the entity of its type', async () => {
    const rows = await sql.unsafe<{ type: string; entity_type: string; payload: unknown }[]>(
      `select type, entity_type, payload from ops.events where workspace_id = ${literal(ws.id)} or workspace_id in (select id from core.workspaces where created_by_user_id = ${literal(ws.users.owner.userId)})`,
    );
    // Every catalogued type is written by some mutation, and every mutation writes catalogued types.
    expect([...new Set(rows.map((r) => r.type))].sort()).toEqual(Object.keys(eventCatalog).sort());
    for (const row of rows) {
      expect(isEventType(row.type), row.type).toBe(true);
      const definition = eventCatalog[row.type as keyof typeof eventCatalog];
      expect(row.entity_type, row.type).toBe(definition.entity);
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
      expect(() => readEvent({ type: row.type, payload }), `${row.type} ${JSON.stringify(payload)}`).not.toThrow();
    }
  });
});
