import { inject } from 'vitest';
import { createSqlClient, type SqlClient } from '@chief/db';
import { createInternalTokens, createLogger, loadConfig, type Identity, type RunningServer, type SubgraphName } from '@chief/runtime';
import { loadSubgraph } from '../../scripts/loadSubgraphs.ts';
import { createClient, TEST_ENV, type GraphQLResult } from './startTestChief.ts';

export interface TestSubgraph {
  url: string;
  /** The run's shared database, as the table owner would reach it through the subgraph's pool. */
  sql: SqlClient;
  /** Sends a GraphQL request straight to the subgraph, signed as the gateway would sign it for `identity`. */
  request<TData = Record<string, unknown>>(identity: Identity, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<TData>>;
  stop(): Promise<void>;
}

/**
 * One subgraph of the manifest alone, on a free port, against the run's shared database: for a
 * domain's tests, which need neither the gateway nor the other subgraphs. Requests carry the
 * internal token the gateway would sign for the identity given.
 */
export async function startSubgraph(name: SubgraphName, env: Record<string, string> = {}): Promise<TestSubgraph> {
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: inject('databaseUrl'), DATABASE_EMBEDDED: String(inject('databaseEmbedded')), ...env });
  const sql = createSqlClient(config.databaseUrl!, { max: 4, embedded: config.databaseEmbedded });
  const subgraph = await loadSubgraph(name);
  const running: RunningServer = await subgraph.create({ sql, config, logger: createLogger(name, config.logLevel) }).listen(0);
  const tokens = createInternalTokens(config.subgraphSecret);
  const client = createClient(running.url);
  return {
    url: running.url,
    sql,
    async request<TData>(identity: Identity, query: string, variables: Record<string, unknown> = {}) {
      return client.request<TData>(query, variables, { headers: { authorization: `Bearer ${await tokens.sign(identity)}` } });
    },
    async stop() {
      await running.close();
      await sql.end({ timeout: 5 });
    },
  };
}
