import { afterAll, describe, expect, inject, it } from 'vitest';
import { sql as sqlTag } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { GraphQLError } from 'graphql';
import { createSqlClient } from '@chief/db';
import { createErrorFormatter, serializeError } from '../src/index.ts';

// A real driver error: drizzle's message carries the statement's parameters, Postgres' quotes the value.
const sql = createSqlClient(inject('databaseUrl'), { max: 1, embedded: inject('databaseEmbedded'), onStatement: () => {} });
afterAll(() => sql.end());
const secret = 'private@person.test';
const failure = () => drizzle({ client: sql }).execute(sqlTag`select ${secret}::uuid as id`).then(() => expect.fail('the statement should fail'), (error: unknown) => error);

describe('errors as logs and responses hold them', () => {
  it('logs the SQL and the database\'s reason, never the parameters or the values Postgres quotes back', async () => {
    const error = await failure();
    expect(String((error as Error).message)).toContain(secret); // what must not get out
    const logged = JSON.stringify(serializeError(new GraphQLError('wrapped', { originalError: error as Error, path: ['contacts'] })));
    expect(logged).not.toContain(secret);
    expect(logged).toMatch(/select \$1::uuid/);
    expect(logged).toMatch(/"code":"22P02"/);
    expect(logged).toMatch(/"path":\["contacts"\]/);
  });

  it('answers an internal error without its message, even in development', async () => {
    const error = await failure();
    const graphqlError = new GraphQLError((error as Error).message, { originalError: error as Error });
    const formatted = createErrorFormatter({ includeStack: true })({ message: graphqlError.message, extensions: { stacktrace: String((error as Error).stack).split('\n') } }, graphqlError);
    expect(formatted.extensions?.code).toBe('INTERNAL');
    expect(JSON.stringify(formatted)).not.toMatch(new RegExp(`${secret}|select|Failed query`));
  });

  it('gives a data exception outside a mutation its client meaning when a translation is given', async () => {
    const { translateDatabaseError } = await import('../src/index.ts');
    const error = await failure();
    const formatted = createErrorFormatter({ includeStack: false, translate: (e) => translateDatabaseError(e, 'arguments') })({ message: 'x' }, new GraphQLError('x', { originalError: error as Error }));
    expect(formatted.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'arguments' });
    expect(formatted.message).not.toContain(secret);
  });

  it('answers a statement that ran after a failed one in the same transaction with TRANSACTION_ABORTED, not INTERNAL', async () => {
    const { translateDatabaseError } = await import('../src/index.ts');
    let aborted: unknown;
    await sql
      .begin(async (tx) => {
        await tx`select ${secret}::uuid`.catch(() => undefined);
        aborted = await tx`select 1`.then(() => undefined, (error: unknown) => error);
      })
      .catch(() => undefined);
    expect((aborted as { code?: string }).code).toBe('25P02');
    const formatted = createErrorFormatter({ includeStack: false, translate: (e) => translateDatabaseError(e, 'arguments') })({ message: 'x' }, new GraphQLError('x', { originalError: aborted as Error }));
    expect(formatted.extensions?.code).toBe('TRANSACTION_ABORTED');
  });
});
