/// <reference path="../../../test/support/providedContext.d.ts" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { appendEvent, eventEntities, MAX_EVENT_PARTS, runOperation } from '@chief/runtime';
import { MAX_CAUSAL_DEPTH } from '../src/domain/events.ts';
import { errorOf, expectData, startTestChief, type TestChief, type Ids, type Page } from '../../../test/support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../../core/test/fixtures.ts';

type Actor = { role: string; actorId: string };

/** The event log through the gateway: entities' history, the log by filter and cursor, causality. */
describe('the event log as GraphQL', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  let taskId: string;

  beforeAll(async () => {
    chief = await startTestChief();
    ws = await createWorkspaceFixture(chief, 'Logged');
    taskId = expectData(await chief.request<Ids<'createTask'>>('mutation { createTask(input: { title: "Draft the memo" }) { id } }', {}, { token: ws.users.member.token })).createTask.id;
    expectData(await chief.request('mutation($id: ID!) { updateTask(id: $id, input: { status: IN_PROGRESS }) { id } }', { id: taskId }, { token: ws.users.member.token }));
    expectData(await chief.request('mutation($id: ID!) { linkTask(input: { taskId: $id, platform: LINEAR, externalId: "LIN-7" }) { id } }', { id: taskId }, { token: ws.users.owner.token }));
  });
  afterAll(() => chief?.stop());

  const ask = <TData = unknown>(query: string, variables: Record<string, unknown> = {}, token = ws.users.viewer.token) => chief.request<TData>(query, variables, { token });

  it('lists a task\'s history, oldest first, with the member who acted', async () => {
    type Logged = { type: string; payload: Record<string, unknown>; origin: { actorType: string; member: { id: string; name: string; role: string } | null }; actors: Actor[] };
    const data = expectData(await ask<{ task: { title: string; history: Page<Logged> } }>(
      `query($id: ID!) { task(id: $id) { title history { edges { node { type payload origin { actorType member { id name role } } actors { role actorId } } } } } }`,
      { id: taskId },
    ));
    const history = data.task.history.edges.map((e) => e.node);
    expect(history.map((e) => e.type)).toEqual(['work.task.created', 'work.task.updated', 'work.task.linked']);
    expect(history[0]!.payload).toMatchObject({ title: 'Draft the memo', status: 'todo' });
    expect(history[1]!.payload).toMatchObject({ from: { status: 'todo' }, to: { status: 'in_progress' } });
    // The member's name and role come from core: the event names the member, federation does the rest.
    expect(history[0]!.origin).toEqual({ actorType: 'user', member: { id: ws.users.member.memberId, name: 'Logged member', role: 'MEMBER' } });
    expect(history[2]!.origin.member?.id).toBe(ws.users.owner.memberId);
    expect(history[0]!.actors).toEqual([{ role: 'ORIGIN', actorId: ws.users.member.userId }]);
  });

  it('pages the log by cursor, filtered by type, in log order', async () => {
    const page = async (after: string | null) =>
      expectData(await ask<{ events: Page<{ type: string; sequence: string }> }>('query($after: String) { events(filter: { types: ["work.task.created", "work.task.updated"] }, first: 1, after: $after) { edges { cursor node { type sequence } } pageInfo { hasNextPage endCursor } } }', { after })).events;
    const first = await page(null);
    const second = await page(first.pageInfo.endCursor);
    const third = await page(second.pageInfo.endCursor);
    expect([first, second].map((p) => p.edges[0]?.node.type)).toEqual(['work.task.created', 'work.task.updated']);
    expect(BigInt(second.edges[0]!.node.sequence)).toBeGreaterThan(BigInt(first.edges[0]!.node.sequence));
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(third.edges).toEqual([]);
    expect(third.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a filter on a type the catalog does not list, and a cursor of another kind, naming the field', async () => {
    expect(errorOf(await ask('{ events(filter: { types: ["work.task.exploded"] }) { edges { cursor } } }'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.types.0' });
    const keyset = expectData(await ask<{ tasks: Page<never> }>('{ tasks(first: 1) { pageInfo { endCursor } } }')).tasks.pageInfo.endCursor;
    expect(errorOf(await ask('query($after: String) { events(after: $after) { edges { cursor } } }', { after: keyset }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('lists a member\'s audit trail: what was done to them and what they did', async () => {
    const data = expectData(await ask<{ member: { auditTrail: Page<{ type: string; actors: Actor[] }> } }>('query($id: ID!) { member(id: $id) { auditTrail { edges { node { type actors { role actorId } } } } } }', { id: ws.users.member.memberId }));
    const trail = data.member.auditTrail.edges.map((e) => e.node);
    expect(trail.map((e) => e.type)).toEqual(['core.member.invited', 'work.task.created', 'work.task.updated']);
    // Invited by the owner: the member is the target of that event, the origin of the others.
    expect(trail[0]?.actors).toEqual([{ role: 'ORIGIN', actorId: ws.users.owner.userId }, { role: 'TARGET', actorId: ws.users.member.userId }]);
  });

  it('follows causality both ways, to a bounded depth', async () => {
    // Background work (a pipeline) that reacts to the task's creation, and to its own reaction.
    const [created] = await chief.sql.unsafe(`select id from ops.events where workspace_id = '${ws.id}' and type = 'work.task.created' and entity_id = '${taskId}'`);
    const service = { kind: 'service' as const, userId: null, workspaceId: ws.id, scopes: ['read', 'write'] };
    const react = (cause: string, status: string) =>
      runOperation(chief.sql, service, (r) =>
        r.mutate((session) =>
          appendEvent(session, {
            type: 'work.task.updated', entityId: taskId, payload: { changed: ['status'], from: { status: 'todo' }, to: { status } },
            links: [{ linkType: 'caused', refEventId: cause }],
          }),
        ),
      );
    const first = await react(created!.id as string, 'blocked');
    const second = await react(first.id, 'todo');
    type Walk = { id: string; type: string; origin: { actorType: string; actorId: string } }[];
    const effects = expectData(await ask<{ event: { effects: Walk; deep: Walk } }>('query($id: ID!) { event(id: $id) { effects { id } deep: effects(depth: 1) { id } } }', { id: created!.id })).event;
    expect(effects.effects.map((e) => e.id)).toEqual([first.id, second.id]);
    expect(effects.deep.map((e) => e.id)).toEqual([first.id]);
    const causes = expectData(await ask<{ event: { causes: Walk } }>('query($id: ID!) { event(id: $id) { causes { id type origin { actorType actorId } } } }', { id: second.id })).event;
    expect(causes.causes.map((e) => e.id)).toEqual([first.id, created!.id]);
    expect(causes.causes[0]?.origin).toEqual({ actorType: 'system', actorId: 'service' });
    expect(errorOf(await ask('query($id: ID!) { event(id: $id) { causes(depth: 6) { id } } }', { id: second.id }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'depth' });
  });

  it('gives every entity of the API a history, and the SDL the bounds the code keeps', () => {
    const api = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
    const supergraph = readFileSync('schema/supergraph.graphql', 'utf8');
    const entities = [...supergraph.matchAll(/^type (\w+)\n(?:\s+@join__type\([^)]*\)\n)*?\s+@join__type\(graph: \w+, key: "id"\)/gm)].map((m) => m[1]!);
    expect(entities.filter((t) => t !== 'Event').sort()).toEqual(Object.values(eventEntities).sort());
    for (const typename of Object.values(eventEntities)) expect(Object.keys((api.getType(typename) as GraphQLObjectType).getFields()), typename).toContain('history');
    const event = api.getType('Event') as GraphQLObjectType;
    expect(event.getFields().actors!.description).toContain(`at most ${MAX_EVENT_PARTS}`);
    expect(readFileSync('schema/supergraph.graphql', 'utf8').match(/(actors|links): \[Event\w+!\]!(?: @join__field\(graph: OPS\))? @listSize\(assumedSize: (\d+)\)/g)?.map((line) => line.replace(' @join__field(graph: OPS)', ''))).toEqual([
      `actors: [EventActor!]! @listSize(assumedSize: ${MAX_EVENT_PARTS})`,
      `links: [EventLink!]! @listSize(assumedSize: ${MAX_EVENT_PARTS})`,
    ]);
    expect(event.getFields().causes!.args.find((a) => a.name === 'depth')!.description).toContain(`from 1 to ${MAX_CAUSAL_DEPTH}`);
  });

  it('offers no way to change the log through the API', () => {
    const api = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
    const opsSdl = readFileSync('schema/subgraphs/ops.graphql', 'utf8');
    expect(opsSdl).not.toMatch(/type Mutation/);
    expect(Object.keys(api.getMutationType()!.getFields()).filter((name) => /event/i.test(name))).toEqual([]);
  });
});
