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
});
