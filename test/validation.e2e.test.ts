import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, fingerprint, literal, tenantTables, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type TestChief, type Ids } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

describe('bad input', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let tables: Map<string, string>;
  let taskId: string;
  let dealId: string;
  let contactId: string;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Strict');
    tables = await tenantTables(sql);
    const made = expectData(await chief.request<Ids<'task' | 'deal' | 'contact'>>(
      `mutation {
        task: createTask(input: { title: "Draft memo" }) { id }
        deal: createDeal(input: { title: "Series A" }) { id }
        contact: createContact(input: { name: "Ann Archer" }) { id }
      }`,
      {}, { token: ws.users.owner.token },
    ));
    taskId = made.task.id;
    expectData(await chief.request('mutation($t: ID!) { linkTask(input: { taskId: $t, platform: LINEAR, externalId: "LIN-1" }) { id } }', { t: taskId }, { token: ws.users.owner.token }));
    dealId = made.deal.id;
    contactId = made.contact.id;
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  const cases: { name: string; query: string; variables?: () => Record<string, unknown>; code: string; field?: string; message?: RegExp; status?: number }[] = [
    {
      name: 'an invalid email',
      query: 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }',
      variables: () => ({ input: { name: 'Bob', email: 'bob-at-example' } }),
      code: 'BAD_USER_INPUT', field: 'input.email', message: /email/i,
    },
    {
      name: 'a probability of 150',
      query: 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      variables: () => ({ input: { title: 'Big', probability: 150 } }),
      code: 'BAD_USER_INPUT', field: 'input.probability', message: /100/,
    },
    {
      name: 'a probability of 150 on update',
      query: 'mutation($id: ID!) { updateDeal(id: $id, input: { probability: 150 }) { id } }',
      variables: () => ({ id: dealId }),
      code: 'BAD_USER_INPUT', field: 'input.probability',
    },
    {
      name: 'an unknown deal stage',
      query: 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      variables: () => ({ input: { title: 'Big', stage: 'ALMOST_WON' } }),
      code: 'BAD_USER_INPUT', field: 'input.stage', message: /ALMOST_WON/,
    },
    {
      name: 'a value without a valid currency',
      query: 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      variables: () => ({ input: { title: 'Big', value: { amount: '10.00', currency: 'euro' } } }),
      code: 'BAD_USER_INPUT', field: 'input.value.currency',
    },
    {
      name: 'an empty task title',
      query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      variables: () => ({ input: { title: '   ' } }),
      code: 'BAD_USER_INPUT', field: 'input.title',
    },
    {
      name: 'a new task that is done without a completion time',
      query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      variables: () => ({ input: { title: 'Ship', status: 'DONE' } }),
      code: 'BAD_USER_INPUT', field: 'input.completedAt',
    },
    {
      name: 'a task set to done without a completion time',
      query: 'mutation($id: ID!) { updateTask(id: $id, input: { status: DONE }) { id } }',
      variables: () => ({ id: taskId }),
      code: 'BAD_USER_INPUT', field: 'input.completedAt',
    },
    {
      name: 'a completion time on a task that is not done',
      query: 'mutation($id: ID!) { updateTask(id: $id, input: { completedAt: "2026-01-01T00:00:00Z" }) { id } }',
      variables: () => ({ id: taskId }),
      code: 'BAD_USER_INPUT', field: 'input.completedAt',
    },
    {
      name: 'a page size over the maximum',
      query: '{ tasks(first: 1000) { edges { node { id } } } }',
      code: 'BAD_USER_INPUT', field: 'first', message: /100/,
    },
    {
      name: 'a negative page size',
      query: '{ contacts(first: -1) { edges { node { id } } } }',
      code: 'BAD_USER_INPUT', field: 'first',
    },
    {
      name: 'a malformed cursor',
      query: '{ deals(after: "not-a-cursor") { edges { node { id } } } }',
      code: 'BAD_USER_INPUT', field: 'after',
    },
    {
      name: 'a malformed id in a query',
      query: '{ task(id: "42") { id } }',
      code: 'BAD_USER_INPUT', field: 'id',
    },
    {
      name: 'a malformed id in a mutation',
      query: 'mutation { deleteContact(id: "robert\'); drop table core.contacts;--") }',
      code: 'BAD_USER_INPUT', field: 'id',
    },
    {
      name: 'a malformed reference id',
      query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      variables: () => ({ input: { title: 'Call', assigneeId: 'someone' } }),
      code: 'BAD_USER_INPUT', field: 'input.assigneeId',
    },
    {
      name: 'an unknown id',
      query: 'query($id: ID!) { deal(id: $id) { id } }',
      variables: () => ({ id: randomUUID() }),
      code: 'NOT_FOUND', message: /Deal .* not found/,
    },
    {
      name: 'an update of an unknown id',
      query: 'mutation($id: ID!) { updateTask(id: $id, input: { title: "x" }) { id } }',
      variables: () => ({ id: randomUUID() }),
      code: 'NOT_FOUND',
    },
    {
      name: 'an unknown reference id',
      query: 'mutation($input: CreateDealInput!) { createDeal(input: $input) { id } }',
      variables: () => ({ input: { title: 'Orphan', contactId: randomUUID() } }),
      code: 'NOT_FOUND', field: 'input.contactId', message: /contact/,
    },
    ...([
      ['updateContact', () => contactId, '{}'],
      ['updateDeal', () => dealId, '{}'],
      ['updateFounder', () => ws.founderId, '{}'],
      ['updateTask', () => taskId, '{}'],
    ] as const).map(([mutation, id, input]) => ({
      name: `${mutation} with nothing to change (${input})`,
      query: `mutation($id: ID!) { ${mutation}(id: $id, input: ${input}) { id } }`,
      variables: () => ({ id: id() }),
      code: 'BAD_USER_INPUT', field: 'input', message: /at least one field must be given/,
    })),
    ...([
      ['updateDeal', () => dealId, 'stage'],
      ['updateDeal', () => dealId, 'probability'],
      ['updateTask', () => taskId, 'status'],
      ['updateTask', () => taskId, 'priority'],
      ['updateFounder', () => ws.founderId, 'timezone'],
    ] as const).map(([mutation, id, field]) => ({
      name: `${mutation} clearing ${field}, which cannot be empty`,
      query: `mutation($id: ID!) { ${mutation}(id: $id, input: { ${field}: null }) { id } }`,
      variables: () => ({ id: id() }),
      code: 'BAD_USER_INPUT', field: `input.${field}`, message: /cannot be cleared/,
    })),
    {
      name: 'updateWorkspace with nothing to change',
      query: 'mutation { updateWorkspace(input: {}) { id } }',
      code: 'BAD_USER_INPUT', field: 'input', message: /at least one field must be given/,
    },
    {
      name: 'a NUL character in a string literal',
      query: 'mutation { createContact(input: { name: "Ann\\u0000Archer" }) { id } }',
      code: 'BAD_USER_INPUT', field: 'input.name', message: /NUL/, status: 400,
    },
    {
      name: 'a NUL character in a variable',
      query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      variables: () => ({ input: { title: 'Call\u0000back' } }),
      code: 'BAD_USER_INPUT', field: 'input.title', status: 400,
    },
    {
      name: 'a NUL character in a text filter',
      query: 'query($filter: ContactFilter) { contacts(filter: $filter) { edges { node { id } } } }',
      variables: () => ({ filter: { text: 'a\u0000b' } }),
      code: 'BAD_USER_INPUT', field: 'filter.text', status: 400,
    },
    {
      name: 'a NUL character in a JSON key',
      query: 'mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { id } }',
      variables: () => ({ input: { platform: 'SLACK', credentials: { 'token\u0000': 'x' } } }),
      code: 'BAD_USER_INPUT', message: /NUL/, status: 400,
    },
    ...['2026', '2026-02-30 10:00:00+00', '2025-02-29 10:00:00+00', '275760-01-01 00:00:00+00', '0000-01-01 00:00:00+00', '2026-01-01 24:00:00+00', '2026-01-01 10:00:00+99'].map((createdAt) => ({
      name: `a cursor for ${createdAt}`,
      query: `{ deals(after: "${Buffer.from(`${createdAt}|00000000-0000-4000-8000-000000000000`).toString('base64url')}") { edges { node { id } } } workspace { id } }`,
      code: 'BAD_USER_INPUT', field: 'after', message: /not a cursor/, status: 400,
    })),
    {
      name: 'a second link of a task to the same tracker (a task has at most one mirror per tracker)',
      query: 'mutation($t: ID!) { linkTask(input: { taskId: $t, platform: LINEAR, externalId: "LIN-2" }) { id } }',
      variables: () => ({ t: taskId }),
      code: 'CONFLICT', field: 'input.taskId', message: /same taskId, platform already exists/,
    },
    {
      name: 'an invalid date-time',
      query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }',
      variables: () => ({ input: { title: 'Call', dueAt: 'tomorrow' } }),
      code: 'BAD_USER_INPUT', field: 'input.dueAt',
    },
  ];

  it.each(cases)('rejects $name, names the field, and changes nothing', async ({ query, variables, code, field, message, status }) => {
    const before = await fingerprint(sql, tables, ws.id);
    const result = await chief.request(query, variables?.() ?? {}, { token: ws.users.owner.token });
    const error = errorOf(result);
    expect(error.code, JSON.stringify(result.body.errors)).toBe(code);
    if (field) expect(error.field).toBe(field);
    if (message) expect(error.message).toMatch(message);
    // Refused at the gateway, as a whole request: before any subgraph ran.
    if (status) expect(result.status).toBe(status);
    expect(await fingerprint(sql, tables, ws.id)).toEqual(before);
  });

  it('keeps SQL and stack traces out of error responses', async () => {
    const result = await chief.request('mutation { a: createContact(input: { name: "Dup", email: "dup@example.test" }) { id } b: createContact(input: { name: "Dup", email: "DUP@example.test" }) { id } }', {}, { token: ws.users.owner.token });
    const text = JSON.stringify(result.body.errors);
    // Postgres hides the colliding key under row-level security; the field is named all the same.
    expect(errorOf(result)).toMatchObject({ code: 'CONFLICT', field: 'input.email', message: 'A contact with the same email already exists' });
    expect(text).not.toMatch(/insert into|select |stacktrace|\.ts:\d+|uq_contacts/i);
  });
});

describe('a failed mutation', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  // A trigger installed on the database every test file shares: named for this process, it refuses
  // only this workspace's events, and afterAll drops it even when the test stopped half-way.
  const trigger = `test_refuse_event_${process.pid}`;
  const dropTrigger = () => sql?.unsafe(`drop trigger if exists ${trigger} on ops.events; drop function if exists ops.${trigger}()`);

  // Development mode, where errors carry the most detail: still no SQL and no user data in them.
  const logs: string[] = [];
  beforeAll(async () => {
    chief = await startTestChief({ NODE_ENV: 'development', LOG_LEVEL: 'error' }, { logDestination: { write: (line: string) => void logs.push(line) } });
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Atomic');
  });
  afterAll(async () => {
    await dropTrigger();
    await sql?.end();
    await chief?.stop();
  });

  const rowsAndEvents = async (name: string) => {
    const [row] = await sql.unsafe<{ contacts: number; events: number; mentions: number }[]>(
      `select (select count(*)::int from core.contacts where workspace_id = ${literal(ws.id)} and full_name = ${literal(name)}) as contacts,
              (select count(*)::int from ops.events where workspace_id = ${literal(ws.id)} and type = 'core.contact.created'
                 and entity_id in (select id from core.contacts where full_name = ${literal(name)})) as events,
              (select count(*)::int from ops.events where workspace_id = ${literal(ws.id)} and payload::text like ${literal(`%${name}%`)}) as mentions`,
    );
    return { ...row! };
  };

  it('leaves neither its row nor its event, while the mutation before it in the operation stays', async () => {
    const result = await chief.request<Record<'first' | 'second', { id: string } | null>>(
      `mutation {
        first: createContact(input: { name: "Kept Contact", email: "same@example.test" }) { id }
        second: createContact(input: { name: "Lost Contact", email: "Same@Example.test" }) { id }
      }`, {}, { token: ws.users.owner.token },
    );
    expect(result.body.data?.first?.id).toBeTruthy();
    expect(result.body.data?.second ?? null).toBeNull();
    expect(result.body.errors?.[0]).toMatchObject({ path: ['second'], extensions: { code: 'CONFLICT' } });
    expect(await rowsAndEvents('Kept Contact')).toEqual({ contacts: 1, events: 1, mentions: 1 });
    expect(await rowsAndEvents('Lost Contact')).toEqual({ contacts: 0, events: 0, mentions: 0 });
  });

  it('rolls back a row already written when its event cannot be appended', async () => {
    // Makes the event append fail after the contact row was inserted in the same mutation.
    await sql.unsafe(`create or replace function ops.${trigger}() returns trigger language plpgsql as $$
      begin
        if new.workspace_id = ${literal(ws.id)} and new.payload::text like '%Refused Event%' then raise exception 'refused by test'; end if;
        return new;
      end $$`);
    try {
      await sql.unsafe(`create trigger ${trigger} before insert on ops.events for each row execute function ops.${trigger}()`);
      logs.length = 0;
      const result = await chief.request(`mutation { createContact(input: { name: "Refused Event", email: "private@person.test" }) { id } }`, {}, { token: ws.users.owner.token });
      expect(errorOf(result)).toMatchObject({ code: 'INTERNAL', message: 'Internal server error' });
      expect(await rowsAndEvents('Refused Event')).toEqual({ contacts: 0, events: 0, mentions: 0 });
      // The response holds neither the SQL nor its parameters; the log keeps the SQL (ours) and
      // the database's reason, but never the parameters (the caller's data).
      const response = JSON.stringify(result.body);
      expect(response).not.toMatch(/insert into|Failed query|private@person|refused by test/i);
      expect(result.body.errors?.[0]?.extensions?.stacktrace).toEqual(expect.arrayContaining([expect.stringMatching(/^\s+at /)]));
      const logged = logs.join('\n');
      expect(logged).toMatch(/refused by test/);
      expect(logged).toMatch(/insert into/i);
      expect(logged).not.toMatch(/private@person|Refused Event/);
    } finally {
      await dropTrigger();
    }
    const left = await sql.unsafe(
      `select (select count(*)::int from pg_trigger where tgname = ${literal(trigger)}) as triggers,
              (select count(*)::int from pg_proc where proname = ${literal(trigger)}) as functions`,
    );
    expect(left[0]).toEqual({ triggers: 0, functions: 0 });
    expectData(await chief.request(`mutation { createContact(input: { name: "Refused Event again" }) { id } }`, {}, { token: ws.users.owner.token }));
  });
});
