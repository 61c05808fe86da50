import { randomBytes } from 'node:crypto';
import { createApiKeySigner } from '@chief/runtime';
import { connectAsOwner, literal } from './support/databaseOwner.ts';
import { hasSystemBinary } from './support/hasSystemBinary.ts';
import { freePort, startRedis } from './support/startRedis.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, expectData, startTestChief, type GraphQLResult, type TestChief, type Page } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** Refused at the gateway: the error is the gateway's own (no subgraph named it) and no SQL ran. */
function expectRefusedAtGateway(chief: TestChief, result: GraphQLResult, code: string, status = 400) {
  expect(errorOf(result).code, JSON.stringify(result.body)).toBe(code);
  expect(result.status).toBe(status);
  expect(result.body.errors?.[0]?.extensions?.serviceName).toBeUndefined();
  expect(result.body.data ?? null).toBeNull();
  expect(chief.statements.count).toBe(0);
}

describe('operation limits at the gateway', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief({ MAX_QUERY_DEPTH: '6', MAX_ALIASES: '3', MAX_QUERY_COST: '500', MAX_TOKENS: '300', MAX_BODY_BYTES: '4000', INTROSPECTION: 'false' });
    ws = await createWorkspaceFixture(chief, 'Limits');
    chief.statements.reset();
  });
  afterAll(() => chief?.stop());
  const ask = <TData = unknown>(query: string, variables: Record<string, unknown> = {}) => chief.request<TData>(query, variables, { token: ws.users.owner.token });

  it('refuses an operation deeper than the limit, counting through fragments', async () => {
    const deep = `{ tasks { edges { node { ...Owner } } } } fragment Owner on Task { assignee { assignedTasks { edges { node { id } } } } }`;
    expectRefusedAtGateway(chief, await ask(deep), 'DEPTH_LIMIT_EXCEEDED');
    expect(errorOf(await ask(deep)).message).toBe('The operation is 8 levels deep; the limit is 6');
  });

  it('refuses more aliases than the limit', async () => {
    expectRefusedAtGateway(chief, await ask('{ a: viewer { userId } b: viewer { userId } c: viewer { userId } d: viewer { userId } }'), 'ALIAS_LIMIT_EXCEEDED');
  });

  it('refuses an operation whose cost (lists times their size) is over the limit, variables included', async () => {
    const query = 'query($n: Int!) { tasks(first: $n) { edges { node { id title status priority dueAt } } } }';
    expectRefusedAtGateway(chief, await ask(query, { n: 100 }), 'COST_LIMIT_EXCEEDED');
    expect(errorOf(await ask(query, { n: 100 })).message).toBe('The operation costs 602 (lists count their size times what each item selects); the limit is 500');
    expectData(await ask(query, { n: 10 }));
  });

  it('lets no field cancel the cost of another: a negative or oversized page is refused before any subgraph runs', async () => {
    const costly = 'a: tasks(first: 100) { edges { node { id title status priority dueAt } } }';
    for (const first of [-2_000_000_000, -1, 101]) {
      chief.statements.reset();
      const result = await ask(`{ ${costly} z: contacts(first: ${first}) { edges { node { id } } } }`);
      expectRefusedAtGateway(chief, result, 'BAD_USER_INPUT');
      expect(errorOf(result).field).toBe('first');
    }
    const forged = Buffer.from('2026|00000000-0000-4000-8000-000000000000').toString('base64url');
    expectRefusedAtGateway(chief, await ask(`{ deals(after: "${forged}") { edges { node { id } } } }`), 'BAD_USER_INPUT');
  });

  it('refuses a document with more tokens than the limit', async () => {
    chief.statements.reset();
    expectRefusedAtGateway(chief, await ask(`{ viewer { ${'userId '.repeat(300)} } }`), 'TOKEN_LIMIT_EXCEEDED');
  });

  it('refuses a body over the size limit', async () => {
    const result = await ask(`{ viewer { userId } } # ${'x'.repeat(5000)}`);
    expect(result.status).toBe(413);
    expect(errorOf(result).code).toBe('BAD_REQUEST');
  });

  it('turns introspection off when configured', async () => {
    const result = await ask('{ __schema { types { name } } }');
    expect(errorOf(result).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorOf(result).message).toMatch(/introspection is not allowed/i);
  });

  it('refuses an over-limit operation from an API key before looking the key up at core', async () => {
    const created = expectData(await ask<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Deep", scopes: [READ] }) { secret } }'));
    chief.statements.reset();
    const headers = { 'x-api-key': created.createApiKey.secret };
    const deep = `{ tasks { edges { node { assignee { assignedTasks { edges { node { assignee { id } } } } } } } } }`;
    expectRefusedAtGateway(chief, await chief.request(deep, {}, { headers }), 'DEPTH_LIMIT_EXCEEDED');
    const badVariables = await chief.request('query($n: Int!) { tasks(first: $n) { edges { node { id } } } }', { n: 'ten' }, { headers });
    expect(errorOf(badVariables)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'n' });
    expect(chief.statements.count).toBe(0);
  });

  it('refuses a mutation from a read-only key at the gateway', async () => {
    const created = expectData(await ask<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "RO", scopes: [READ] }) { secret } }'));
    chief.statements.reset();
    const result = await chief.request('mutation { createTask(input: { title: "No" }) { id } }', {}, { headers: { 'x-api-key': created.createApiKey.secret } });
    expect(errorOf(result)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/may run queries, not mutations/) });
    expect(result.body.errors?.[0]?.extensions?.serviceName).toBeUndefined();
  });
});

/** Fragments F0..Fn, each spreading the next twice: 2^n fields if a measure walked every spread again. */
function doublingFragments(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Task { id ...F${i + 1} ... on Task { ...F${i + 1} } }`);
  return `{ tasks(first: 1) { edges { node { ...F0 } } } } ${fragments.join(' ')} fragment F${levels} on Task { title }`;
}

describe('work the gateway does before refusing', () => {
  let chief: TestChief;
  let token: string;
  beforeAll(async () => {
    chief = await startTestChief();
    token = await chief.token(`doubling|${Date.now()}`);
  });
  afterAll(() => chief?.stop());

  /** Median wall time of `runs` requests of `query`, each refused with COST_LIMIT_EXCEEDED. */
  async function refusalTime(query: string, runs = 7): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = await chief.request(query, {}, { token });
      times.push(performance.now() - started);
      expect(errorOf(result).code).toBe('COST_LIMIT_EXCEEDED');
      expect(result.status).toBe(400);
    }
    return times.sort((a, b) => a - b)[runs >> 1]!;
  }

  it('grows linearly with fragments that double at every level: 40 levels take about as long as 20', async () => {
    chief.statements.reset();
    await refusalTime(doublingFragments(20), 3); // warm up
    const [twenty, forty] = [await refusalTime(doublingFragments(20)), await refusalTime(doublingFragments(40))];
    console.log(`doubling fragments refused in ${twenty.toFixed(1)} ms (20 levels) and ${forty.toFixed(1)} ms (40 levels)`);
    // Exponential work would take 2^20 times as long; twice the document may take about twice the time.
    expect(forty).toBeLessThan(twenty * 4 + 20);
    expect(chief.statements.count).toBe(0);
    expect((await fetch(new URL('/health', chief.gatewayUrl))).status).toBe(200);
  });
});

describe('health while the costliest allowed query runs', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  // Just under the default cost limit of 20000: 98 tasks, each with its assignee's 98 tasks.
  const worst = '{ tasks(first: 98) { edges { node { assignee { assignedTasks(first: 98) { edges { node { id } } } } } } } }';
  beforeAll(async () => {
    chief = await startTestChief();
    ws = await createWorkspaceFixture(chief, 'Heavy');
    const task = (i: number) => `t${i}: createTask(input: { title: "Load ${i}", assigneeId: "${ws.users.member.memberId}" }) { id }`;
    for (let i = 0; i < 100; i += 25) expectData(await chief.request(`mutation { ${Array.from({ length: 25 }, (_, j) => task(i + j)).join(' ')} }`, {}, { token: ws.users.owner.token }));
  });
  afterAll(() => chief?.stop());

  const healthTime = async () => {
    const started = performance.now();
    expect((await fetch(new URL('/health', chief.gatewayUrl))).status).toBe(200);
    return performance.now() - started;
  };

  it('keeps answering /health', async () => {
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) idle.push(await healthTime());
    let running = true;
    const query = chief.request<{ tasks: Page<unknown> }>(worst, {}, { token: ws.users.owner.token }).finally(() => (running = false));
    const busy: number[] = [];
    while (running) busy.push(await healthTime());
    const data = expectData(await query);
    expect(data.tasks.edges).toHaveLength(98);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    console.log(`/health idle: median ${median(idle).toFixed(1)} ms; during the query: ${busy.length} answers, median ${median(busy).toFixed(1)} ms, slowest ${Math.max(...busy).toFixed(1)} ms`);
    expect(busy.length).toBeGreaterThan(0);
    // No answer waits for the whole query: the event loop turns between its statements and fetches.
    expect(Math.max(...busy)).toBeLessThan(1000);
  });
});

describe('introspection without credentials', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief();
  });
  afterAll(() => chief?.stop());

  it('refuses introspection nested deep enough to explode (graphql-js MaxIntrospectionDepthRule)', async () => {
    const nested = '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }';
    const result = await chief.request(nested);
    expect(errorOf(result).code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errorOf(result).message).toMatch(/Maximum introspection depth exceeded/);
  });
});

describe('request timeout', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ REQUEST_TIMEOUT_MS: '1' });
  });
  afterAll(() => chief?.stop());

  it('answers 504 TIMEOUT when a request runs past the limit', async () => {
    // 1 ms is shorter than any request that reaches a subgraph.
    const result = await chief.request('{ viewer { userId workspaces { id name } } }', {}, { token: await chief.token(`timed|${Date.now()}`) });
    expect(result.status).toBe(504);
    expect(errorOf(result).code).toBe('TIMEOUT');
  });
});

describe('rate limits in memory', () => {
  let chief: TestChief;
  beforeAll(async () => {
    // Room for the fixture's own requests (six by its owner) under the user limit. An hour's
    // window: a burst refills one request every 450 s, far longer than any test runs.
    chief = await startTestChief({ RATE_LIMIT_USER_MAX: '8', RATE_LIMIT_KEY_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
  });
  afterAll(() => chief?.stop());

  it('answers 429 RATE_LIMITED with Retry-After once a user is over the limit, and counts users apart', async () => {
    const token = await chief.token(`busy|${Date.now()}`);
    for (let i = 0; i < 8; i++) expectData(await chief.request('{ viewer { userId } }', {}, { token }));
    chief.statements.reset();
    const response = await fetch(chief.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { userId } }' }),
    });
    expect(response.status).toBe(429);
    // After a burst of the whole limit, the next request is due one interval (3600 s / 8) after
    // the burst began, not at the end of a window.
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(400);
    expect(retryAfter).toBeLessThanOrEqual(450);
    const body = (await response.json()) as GraphQLResult['body'];
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(chief.statements.count).toBe(0);
    expectData(await chief.request('{ viewer { userId } }', {}, { token: await chief.token(`calm|${Date.now()}`) }));
  });

  it('limits each API key on its own budget', async () => {
    const ws = await createWorkspaceFixture(chief, 'Keyed');
    const { createApiKey } = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Busy" }) { secret } }', {}, { token: ws.users.owner.token }));
    const headers = { 'x-api-key': createApiKey.secret };
    for (let i = 0; i < 2; i++) expectData(await chief.request('{ workspace { id } }', {}, { headers }));
    chief.statements.reset();
    const refused = await chief.request('{ workspace { id } }', {}, { headers });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
    expect(chief.statements.count).toBe(0); // not even the key's lookup at core
    expectData(await chief.request('{ workspace { id } }', {}, { token: ws.users.owner.token }));
  });

  it('limits anonymous introspection per client address', async () => {
    for (let i = 0; i < 8; i++) expectData(await chief.request('{ __typename }'));
    const refused = await chief.request('{ __typename }');
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
  });
});

describe('lists the cost measure counts at a fixed size', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief();
  });
  afterAll(() => chief?.stop());

  it('lists at most the 100 oldest of a person\'s workspaces, as Viewer.workspaces declares', async () => {
    const person = `joiner|${Date.now()}`;
    const sql = connectAsOwner();
    try {
      await sql.unsafe(`
        with made as (
          insert into core.workspaces (name, slug, created_by_user_id, created_at)
          select 'Many ' || n, 'many-' || n || '-' || substr(md5(random()::text), 1, 8), ${literal(person)}, now() - make_interval(mins => 200 - n)
            from generate_series(1, 101) n returning id
        )
        insert into core.members (workspace_id, user_id, role, display_name) select id, ${literal(person)}, 'owner', 'J' from made`);
    } finally {
      await sql.end();
    }
    const { viewer } = expectData(await chief.request<{ viewer: { workspaces: { name: string }[] } }>('{ viewer { workspaces { name } } }', {}, { token: await chief.token(person) }));
    expect(viewer.workspaces).toHaveLength(100);
    expect(viewer.workspaces[0]?.name).toBe('Many 1');
    expect(viewer.workspaces.map((w) => w.name)).not.toContain('Many 101');
  });
});

describe('API keys Chief did not issue', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ RATE_LIMIT_KEY_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
  });
  afterAll(() => chief?.stop());
  const madeUp = () => `chief_${randomBytes(6).toString('base64url')}_${randomBytes(32).toString('base64url')}_${randomBytes(16).toString('base64url')}`;

  it('are refused at the gateway by their tag, with no lookup and no budget spent, so no one can lock a partner out', async () => {
    const ws = await createWorkspaceFixture(chief, 'Forged');
    const { createApiKey } = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Real" }) { secret } }', {}, { token: ws.users.owner.token }));
    chief.statements.reset();
    // Far more forgeries from one address than any budget holds; the real key has never been used.
    for (let i = 0; i < 40; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': madeUp() } })));
      for (const refused of batch) expectRefusedAtGateway(chief, refused, 'UNAUTHENTICATED', 401);
    }
    expect(errorOf(await chief.request('{ workspace { id } }', {}, { headers: { authorization: 'Bearer chief_short_key' } })).code).toBe('UNAUTHENTICATED');
    expect(expectData(await chief.request<{ workspace: { id: string } }>('{ workspace { id } }', {}, { headers: { 'x-api-key': createApiKey.secret } })).workspace.id).toBe(ws.id);
  });

  it('reach core only when genuine, and then spend only their own budget', async () => {
    // Issued with the gateway's secret, but not (or no longer) in the database: a revoked key's holder.
    const unknown = createApiKeySigner(chief.config.apiKeySecret).issue().key;
    chief.statements.reset();
    expect(errorOf(await chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': unknown } })).code).toBe('UNAUTHENTICATED');
    expect(chief.statements.count).toBeGreaterThan(0);
    expect(errorOf(await chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': unknown } })).code).toBe('UNAUTHENTICATED');
    expect((await chief.request('{ workspace { id } }', {}, { headers: { 'x-api-key': unknown } })).status).toBe(429);
  });
});

describe('client addresses behind proxies', () => {
  const introspect = (chief: TestChief, forwardedFor: string) => chief.request('{ __typename }', {}, { headers: { 'x-forwarded-for': forwardedFor } });

  it('believes X-Forwarded-For from a trusted proxy only', async () => {
    const behindProxy = await startTestChief({ RATE_LIMIT_USER_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600', TRUSTED_PROXIES: 'loopback' });
    const direct = await startTestChief({ RATE_LIMIT_USER_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    try {
      // Two clients behind the proxy each have their own budget for anonymous requests.
      for (const client of ['203.0.113.1', '203.0.113.2']) {
        for (let i = 0; i < 2; i++) expectData(await introspect(behindProxy, client));
        expect((await introspect(behindProxy, client)).status).toBe(429);
      }
      // Without a trusted proxy the header is anyone's to write: every address is the caller's own.
      for (let i = 0; i < 2; i++) expectData(await introspect(direct, `198.51.100.${i}`));
      expect((await introspect(direct, '198.51.100.9')).status).toBe(429);
    } finally {
      await behindProxy.stop();
      await direct.stop();
    }
  });
});

describe.runIf(hasSystemBinary('redis-server', 'redis-server', 'the Redis rate-limit suite'))('rate limits in Redis, shared by gateway instances', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let first: TestChief;
  let second: TestChief;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, RATE_LIMIT_USER_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '3600' };
    first = await startTestChief(env);
    second = await startTestChief(env);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    redis?.stop();
  });

  it('counts a user across instances', async () => {
    const token = await first.token(`roaming|${Date.now()}`);
    expectData(await first.request('{ viewer { userId } }', {}, { token }));
    expectData(await second.request('{ viewer { userId } }', {}, { token }));
    expectData(await first.request('{ viewer { userId } }', {}, { token }));
    const refused = await second.request('{ viewer { userId } }', {}, { token });
    expect(refused.status).toBe(429);
    expect(errorOf(refused).code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(1100);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1200);
  });
});

describe('rate limits when Redis is unreachable', () => {
  let chief: TestChief;
  beforeAll(async () => {
    chief = await startTestChief({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_USER_MAX: '1' });
  });
  afterAll(() => chief?.stop());

  it('lets requests through rather than failing them', async () => {
    const token = await chief.token(`unlimited|${Date.now()}`);
    for (let i = 0; i < 3; i++) expectData(await chief.request('{ viewer { userId } }', {}, { token }));
  });
});
