import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createInternalTokens, subgraphNames, type Identity } from '@chief/runtime';
import { probeOf, type SubgraphProbe } from './support/subgraphProbe.ts';
import { connectAsOwner, fingerprint, literal, tenantTables, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, TEST_ENV, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

describe('authentication at the gateway and the subgraphs', () => {
  let chief: TestChief;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    chief = await startTestChief();
    ws = await createWorkspaceFixture(chief, 'Auth');
  });
  afterAll(() => chief?.stop());

  const query = '{ tasks { edges { node { id } } } }';

  it('refuses a request without a token', async () => {
    const result = await chief.request(query);
    expect(result.status).toBe(401);
    expect(errorOf(result).code).toBe('UNAUTHENTICATED');
    expect(result.body.data ?? null).toBeNull();
  });

  it('lets a request without credentials introspect (for the explorer) and nothing more', async () => {
    expect(expectData(await chief.request<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }')).__schema.queryType.name).toBe('Query');
    const mixed = await chief.request('{ __typename tasks { edges { node { id } } } }');
    expect(mixed.status).toBe(401);
    expect(errorOf(mixed).code).toBe('UNAUTHENTICATED');
  });

  it('refuses expired, wrongly signed and alg:none tokens', async () => {
    const expired = await new SignJWT({ wid: ws.id }).setProtectedHeader({ alg: 'HS256' }).setSubject(ws.users.owner.userId)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode('test-secret-test-secret-test-secret-0123'));
    const wrongKey = await chief.token(ws.users.owner.userId, { workspaceId: ws.id, secret: 'another-secret-another-secret-another-1' });
    const none = new UnsecuredJWT({ wid: ws.id }).setSubject(ws.users.owner.userId).setExpirationTime('5m').encode();
    for (const token of [expired, wrongKey, none]) {
      const result = await chief.request(query, {}, { token });
      expect(errorOf(result).code).toBe('UNAUTHENTICATED');
      expect(result.body.data ?? null).toBeNull();
    }
  });

  it('refuses a token once it expires, though its check was remembered while it was valid', async () => {
    const token = await chief.token(ws.users.owner.userId, { workspaceId: ws.id, expiresIn: '4s' });
    expect((await chief.request(query, {}, { token })).status).toBe(200);
    const { exp } = decodeJwt(token);
    // Past its exp (whole seconds), with a margin.
    await new Promise((wait) => setTimeout(wait, exp! * 1000 + 500 - Date.now()));
    const late = await chief.request(query, {}, { token });
    expect(late.status).toBe(401);
    expect(errorOf(late).code).toBe('UNAUTHENTICATED');
  });

  describe.each(subgraphNames)('called directly, the %s subgraph', (subgraph) => {
    // Something the subgraph would return to a caller it trusted, by query and through _entities.
    let probe: SubgraphProbe;
    let entities: string;
    const owner = (): Identity => ({ kind: 'user', userId: ws.users.owner.userId, workspaceId: ws.id, scopes: ['read', 'write'] });
    let entityId: string;

    beforeAll(async () => {
      probe = await probeOf(subgraph);
      entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${probe.entity.typename} { ${probe.entity.fields} } } }`;
      entityId = await probe.entity.id(chief, ws);
    });

    it('answers the gateway\'s signed token (the control for the refusals below)', async () => {
      const token = await createInternalTokens(TEST_ENV.SUBGRAPH_SECRET).sign(owner());
      const result = await chief.request<{ _entities: { id: string }[] }>(entities, { r: [{ __typename: probe.entity.typename, id: entityId }] }, { url: chief.subgraphUrls[subgraph], token });
      expect(expectData(result)._entities[0]?.id).toBe(entityId);
    });

    const refused: [string, () => Promise<string | undefined>][] = [
      ['no credentials', async () => undefined],
      ['a user token meant for the gateway', async () => ws.users.owner.token],
      ['a subgraph token signed with another secret', async () => createInternalTokens('another-subgraph-secret-another-0123456').sign(owner())],
      ['a user token signed with another secret', () => chief.token(ws.users.owner.userId, { workspaceId: ws.id, secret: 'another-secret-another-secret-another-1' })],
    ];

    it.each(refused)('answers %s with UNAUTHENTICATED and no data, for a query and for _entities', async (_name, token) => {
      for (const [query, variables] of [[probe.query, {}], [entities, { r: [{ __typename: probe.entity.typename, id: entityId }] }]] as const) {
        const result = await chief.request(query, variables, { url: chief.subgraphUrls[subgraph], token: await token() });
        expect(result.status, query).toBe(401);
        expect(errorOf(result).code).toBe('UNAUTHENTICATED');
        expect(result.body.data ?? null).toBeNull();
      }
    });
  });

  describe('scopes, enforced by the subgraphs themselves', () => {
    let sql: OwnerSql;
    let tables: Map<string, string>;
    beforeAll(async () => {
      sql = connectAsOwner();
      tables = await tenantTables(sql);
    });
    afterAll(() => sql?.end());

    // Sent straight to the subgraph with a token signed as the gateway would, but carrying only the
    // read scope: no gateway check runs, so a refusal here is the subgraph's own.
    const readOnly = () =>
      createInternalTokens(TEST_ENV.SUBGRAPH_SECRET).sign({ kind: 'user', userId: ws.users.owner.userId, workspaceId: ws.id, scopes: ['read'] });

    const reads = { core: '{ founders { edges { node { id } } } }', work: '{ tasks { edges { node { id } } } }' };

    it.each([
      ['core', 'createContact', 'mutation { createContact(input: { name: "Read Only" }) { id } }'],
      ['core', 'updateWorkspace', 'mutation { updateWorkspace(input: { name: "Read Only" }) { id } }'],
      ['core', 'createWorkspace', 'mutation { createWorkspace(input: { name: "Read Only", ownerName: "R" }) { id } }'],
      ['work', 'createTask', 'mutation { createTask(input: { title: "Read Only" }) { id } }'],
    ] as const)('%s refuses %s from a read-only token with FORBIDDEN, writing no row and no event', async (subgraph, field, mutation) => {
      const url = chief.subgraphUrls[subgraph];
      const token = await readOnly();
      // The token itself is accepted: the same caller reads.
      expect(expectData(await chief.request(reads[subgraph], {}, { url, token }))).toBeTruthy();
      const before = await fingerprint(sql, tables, ws.id);
      const result = await chief.request<Record<string, unknown>>(mutation, {}, { url, token });
      expect(errorOf(result), JSON.stringify(result.body)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/read-only/) });
      expect(result.body.data?.[field] ?? null).toBeNull();
      expect(await fingerprint(sql, tables, ws.id)).toEqual(before);
      const [made] = await sql.unsafe(`select count(*)::int as n from core.workspaces where name = 'Read Only' and created_by_user_id = ${literal(ws.users.owner.userId)}`);
      expect(made!.n).toBe(0);
    });
  });

  it('lets a viewer read but not write, and refuses a removed member on the next request', async () => {
    expectData(await chief.request(query, {}, { token: ws.users.viewer.token }));
    const write = await chief.request('mutation { createTask(input: { title: "x" }) { id } }', {}, { token: ws.users.viewer.token });
    expect(errorOf(write).code).toBe('FORBIDDEN');
    expectData(await chief.request(`mutation($id: ID!) { removeMember(id: $id) }`, { id: ws.users.member.memberId }, { token: ws.users.owner.token }));
    expect(errorOf(await chief.request(query, {}, { token: ws.users.member.token })).code).toBe('FORBIDDEN');
  });

  it('keeps the last owner', async () => {
    const result = await chief.request(`mutation($id: ID!) { changeMemberRole(id: $id, role: ADMIN) { id } }`, { id: ws.users.owner.memberId }, { token: ws.users.owner.token });
    expect(errorOf(result).code).toBe('CONFLICT');
  });
});

describe('authentication with an identity provider (JWKS)', () => {
  const issuer = 'https://idp.chief.test/';
  const audience = 'https://api.chief.test';
  let chief: TestChief;
  let jwksServer: Server;
  let signer: CryptoKey;
  let stranger: CryptoKey;

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    signer = keys.privateKey;
    stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    // The provider's key set, served over real HTTP as an identity provider would.
    jwksServer = createServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    chief = await startTestChief({ AUTH_JWT_SECRET: '', AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience });
  });
  afterAll(async () => {
    await chief?.stop();
    jwksServer?.close();
  });

  const sign = (key: CryptoKey, claims: { iss?: string; aud?: string } = {}) =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('idp|ada')
      .setIssuer(claims.iss ?? issuer).setAudience(claims.aud ?? audience).setExpirationTime('5m').sign(key);

  it('accepts a token signed by the provider with the expected issuer and audience', async () => {
    const data = expectData(await chief.request<{ viewer: { userId: string; workspaces: { id: string }[] } }>('{ viewer { userId workspaces { id } } }', {}, { token: await sign(signer) }));
    expect(data.viewer).toEqual({ userId: 'idp|ada', workspaces: [] });
  });

  it('refuses another key, another issuer or audience, and HS256 tokens', async () => {
    const tokens = [
      await sign(stranger),
      await sign(signer, { iss: 'https://evil.test/' }),
      await sign(signer, { aud: 'https://other.test' }),
      await chief.token('idp|ada'),
    ];
    for (const token of tokens) expect(errorOf(await chief.request('{ viewer { userId } }', {}, { token })).code).toBe('UNAUTHENTICATED');
  });
});
