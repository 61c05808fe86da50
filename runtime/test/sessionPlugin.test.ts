import { ApolloServer } from '@apollo/server';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createSqlClient } from '@chief/db';
import { RequestSession, withSession, type Identity } from '../src/index.ts';
import { useRequestSession } from '../src/sessionPlugin.ts';

const sql = createSqlClient(inject('databaseUrl'), { max: 2, embedded: inject('databaseEmbedded') });
afterAll(() => sql.end());

interface Context {
  session: RequestSession;
}
const isolation = (_: unknown, __: unknown, ctx: Context) =>
  withSession(ctx, async (s) => {
    const [row] = await s.sql<{ transaction_isolation: string; transaction_read_only: string }[]>`
      select current_setting('transaction_isolation') as transaction_isolation, current_setting('transaction_read_only') as transaction_read_only`;
    return `${row!.transaction_isolation}, read only ${row!.transaction_read_only}`;
  });

// A server with the session plugin every subgraph has, and a field that reports its transaction.
const server = new ApolloServer<Context>({
  typeDefs: `type Query { transaction: String }  type Mutation { transaction: String }`,
  resolvers: { Query: { transaction: isolation }, Mutation: { transaction: isolation } },
  plugins: [useRequestSession<Context>({ service: 'test' })],
});
const person: Identity = { kind: 'user', userId: 'session-plugin-test', workspaceId: null, scopes: ['read', 'write'] };

async function transactionOf(query: string): Promise<unknown> {
  const response = await server.executeOperation({ query }, { contextValue: { session: new RequestSession(sql, person) } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult.data?.transaction;
}

describe('the request session plugin', () => {
  it('runs a query in one read-only snapshot (REPEATABLE READ READ ONLY) and a mutation read-write', async () => {
    expect(await transactionOf('{ transaction }')).toBe('repeatable read, read only on');
    expect(await transactionOf('mutation { transaction }')).toBe('read committed, read only off');
  });
});
