import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '@chief/runtime';
import { connectAsOwner, literal, tenantTables, type OwnerSql } from './support/databaseOwner.ts';
import { expectData, startTestChief, type TestChief, type Page } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/**
 * Secrets handed to Chief: integration credentials are stored sealed (AES-256-GCM under
 * ENCRYPTION_KEY), API keys as their SHA-256; neither comes back through the API, and neither
 * lies in plain text anywhere in the workspace's rows (events included).
 */
describe('secrets at rest', () => {
  const encryptionKey = randomBytes(32);
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;

  beforeAll(async () => {
    chief = await startTestChief({ ENCRYPTION_KEY: encryptionKey.toString('base64') });
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Vault');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  /** A selection of every field of `type` that takes no required argument (objects by __typename). */
  async function everyField(type: string): Promise<string> {
    type TypeRef = { kind: string; ofType: TypeRef | null };
    type Fields = { __type: { fields: { name: string; args: { type: { kind: string } }[]; type: TypeRef }[] } };
    const data = expectData(await chief.request<Fields>(
      `query($name: String!) { __type(name: $name) { fields { name args { type { kind } } type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`,
      { name: type }, { token: ws.users.owner.token },
    ));
    const namedKind = (t: TypeRef): string => (t.ofType ? namedKind(t.ofType) : t.kind);
    return data.__type.fields
      .filter((f) => !f.args.some((a) => a.type.kind === 'NON_NULL'))
      .map((f) => (['SCALAR', 'ENUM'].includes(namedKind(f.type)) ? f.name : `${f.name} { __typename }`))
      .join(' ');
  }

  /** Every row the workspace has, in every table, as text. */
  async function workspaceRows(): Promise<string> {
    const texts: string[] = [];
    for (const [table, column] of await tenantTables(sql)) {
      if (!column) continue;
      const rows = await sql.unsafe(`select t::text as row from ${table} t where ${column} = ${literal(ws.id)}`);
      texts.push(...rows.map((r) => r.row as string));
    }
    return texts.join('\n');
  }

  /** The secret neither as text nor as the hex of its bytes (how bytea columns print). */
  const expectAbsent = (haystack: string, secrets: string[]) => {
    for (const secret of secrets) {
      expect(haystack).not.toContain(secret);
      expect(haystack.toLowerCase()).not.toContain(Buffer.from(secret).toString('hex'));
    }
  };

  describe('integration credentials', () => {
    const credentials = { accessToken: `xoxb-${randomBytes(12).toString('hex')}`, refreshToken: `refresh-${randomBytes(12).toString('hex')}` };
    const plaintexts = [credentials.accessToken, credentials.refreshToken];
    let integrationId: string;
    let sealed: Buffer;

    beforeAll(async () => {
      const connected = expectData(await chief.request<{ connectIntegration: { id: string; hasCredentials: boolean } }>(
        `mutation($input: ConnectIntegrationInput!) { connectIntegration(input: $input) { ${await everyField('Integration')} } }`,
        { input: { platform: 'SLACK', scopes: ['chat:write'], credentials } }, { token: ws.users.member.token },
      ));
      integrationId = connected.connectIntegration.id;
      expect(connected.connectIntegration.hasCredentials).toBe(true);
      expectAbsent(JSON.stringify(connected), plaintexts);
      const [row] = await sql.unsafe(`select encode(credentials_enc, 'hex') as sealed, credentials_key_version from core.integrations where id = ${literal(integrationId)}`);
      sealed = Buffer.from(row!.sealed as string, 'hex');
      expect(row!.credentials_key_version).toBe(1);
    });

    it('are stored without their plain text, anywhere in the workspace', async () => {
      expect(sealed.length).toBeGreaterThan(28);
      for (const encoding of ['utf8', 'latin1', 'base64', 'hex'] as const) expectAbsent(sealed.toString(encoding), plaintexts);
      expectAbsent(await workspaceRows(), plaintexts);
    });

    it('open with the configured ENCRYPTION_KEY to the original, and not with another key', () => {
      expect(createSecretBox(encryptionKey).open(sealed)).toEqual(credentials);
      expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    });

    it('come back through no field of Integration, in a list or by id', async () => {
      const fields = await everyField('Integration');
      expect(fields.split(' ').filter((f) => /credential/i.test(f) && f !== 'hasCredentials')).toEqual([]);
      const data = expectData(await chief.request<{ integrations: Page<{ id: string }> }>(
        `query($id: ID!) { integration(id: $id) { ${fields} } integrations { edges { node { ${fields} } } } }`,
        { id: integrationId }, { token: ws.users.owner.token },
      ));
      expect(data.integrations.edges.map((e) => e.node.id)).toContain(integrationId);
      expectAbsent(JSON.stringify(data), plaintexts);
    });
  });

  describe('API keys', () => {
    // chief_<8-character prefix>_<43 random characters>_<tag>: the part nobody may find again.
    const randomPart = (key: string) => key.slice('chief_'.length + 9, 'chief_'.length + 9 + 43);
    let secret: string;
    let keyId: string;

    beforeAll(async () => {
      const created = expectData(await chief.request<{ createApiKey: { secret: string; apiKey: { id: string; prefix: string } } }>(
        `mutation { createApiKey(input: { name: "Warehouse", scopes: [READ] }) { secret apiKey { id prefix } } }`, {}, { token: ws.users.admin.token },
      ));
      secret = created.createApiKey.secret;
      keyId = created.createApiKey.apiKey.id;
      expect(secret.startsWith(`${created.createApiKey.apiKey.prefix}_`)).toBe(true);
    });

    it('are stored as the SHA-256 (hex) of the whole secret shown once, and nowhere in plain text', async () => {
      const [row] = await sql.unsafe(`select key_hash from core.api_keys where id = ${literal(keyId)}`);
      expect(row!.key_hash).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'));
      expectAbsent(await workspaceRows(), [secret, randomPart(secret)]);
    });

    it('never return the secret afterwards', async () => {
      const fields = await everyField('ApiKey');
      const data = expectData(await chief.request<{ apiKeys: Page<{ id: string }> }>(`{ apiKeys { edges { node { ${fields} } } } }`, {}, { token: ws.users.owner.token }));
      expect(data.apiKeys.edges.map((e) => e.node.id)).toContain(keyId);
      const revoked = expectData(await chief.request(`mutation($id: ID!) { revokeApiKey(id: $id) { ${fields} } }`, { id: keyId }, { token: ws.users.owner.token }));
      for (const response of [data, revoked]) expectAbsent(JSON.stringify(response), [secret, randomPart(secret)]);
    });
  });
});
