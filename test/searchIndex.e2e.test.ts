import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { asCaller } from './support/asCaller.ts';
import { seedPolicyWorkspace } from './support/seedPolicyWorkspace.ts';
import { startTestChief, type TestChief } from './support/startTestChief.ts';

/** The five searchable tables: a column of the text they are searched by, and one that is not part of it. */
const TABLES = [
  { table: 'core.contacts', text: `full_name = 'Ada Lovelace-King'`, other: `phone = '+44 20 0000 0000'`, updatedAt: true },
  { table: 'comms.communications', text: `content = 'A new body'`, other: `topics = '{fundraising}'`, updatedAt: true },
  { table: 'meetings.transcript_chunks', text: `text = 'Another passage'`, other: null, updatedAt: false },
  { table: 'media.media_chunks', text: `text = 'Another passage'`, other: null, updatedAt: false },
  { table: 'intel.insights', text: `title = 'Runway, again'`, other: `confidence = 0.9`, updatedAt: true },
] as const;

const VECTOR = `(select array_fill(0.01::real, array[1536])::vector)`;

describe('the search index columns of the five searchable tables', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let workspaceId: string;
  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    workspaceId = (await seedPolicyWorkspace(chief, sql, 'Search index')).ws.id;
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it.each(TABLES)('$table: a vector written by the worker leaves updated_at; a change of its text clears it, another change does not', async ({ table, text, other, updatedAt }) => {
    const [row] = await sql.unsafe<{ id: string; updated_at: string | null }[]>(
      `select id, ${updatedAt ? 'updated_at::text' : 'null'} as updated_at from ${table} where workspace_id = ${literal(workspaceId)} limit 1`,
    );
    const where = `where id = ${literal(row!.id)}`;
    const worker = { kind: 'service' as const, workspaceId };
    const embed = `update ${table} set embedding = ${VECTOR}, embedding_model = 'local:lexical-v1', embedded_at = now() ${where}`;
    const state = `select embedding is not null as embedded, embedding_model as model, ${updatedAt ? `updated_at = ${literal(row!.updated_at ?? '')}::timestamptz` : 'true'} as kept from ${table} ${where}`;
    expect(await asCaller(sql, worker, embed, state)).toMatchObject({ data: [{ embedded: true, model: 'local:lexical-v1', kept: true }] });
    expect(await asCaller(sql, worker, embed, `update ${table} set ${text} ${where}`, state)).toMatchObject({ data: [{ embedded: false, model: null }] });
    if (other) expect(await asCaller(sql, worker, embed, `update ${table} set ${other} ${where}`, state)).toMatchObject({ data: [{ embedded: true, kept: false }] });
    // A vector comes with its embedder and time, and a row has a vector or an error.
    expect(await asCaller(sql, worker, `update ${table} set embedding = ${VECTOR} ${where}`)).toEqual({ error: '23514' });
    expect(await asCaller(sql, worker, embed, `update ${table} set embedding_error = 'too long' ${where}`)).toEqual({ error: '23514' });
  });
});
