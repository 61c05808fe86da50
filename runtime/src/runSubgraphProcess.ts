import { createSqlClient, runMigrations, type SqlClient } from '@chief/db';
import { ConfigError, loadConfig, type Config } from './loadConfig.ts';
import { createLogger, type Logger } from './createLogger.ts';
import { onShutdown } from './onShutdown.ts';
import type { RunningServer } from './createHttpServer.ts';
import type { SubgraphName } from './subgraphManifest.ts';
import { createMetrics, type Metrics } from './createMetrics.ts';
import { createEmbedder } from './embeddings.ts';
import { createSearchFields, type SearchFields } from './searchFields.ts';

/** What a subgraph's factory is given: its pool, the configuration, its own logger and metrics. */
export interface SubgraphDeps {
  sql: SqlClient;
  config: Config;
  logger: Logger;
  /** The service's metrics, which count the statements its pool sends; made by the service when omitted. */
  metrics?: Metrics;
  /**
   * The process's search fields: one embedder (its client, rate limit and query cache) for every
   * subgraph the process runs; made from the configuration when omitted (see searchFieldsOf).
   */
  search?: SearchFields;
}

/** The search fields a subgraph uses: the process's, or its own when it runs alone. */
export const searchFieldsOf = (deps: SubgraphDeps): SearchFields => deps.search ?? createSearchFields(createEmbedder(deps.config.embeddings));

/** Builds a subgraph's service, ready to listen: the factory each subgraph package exports, as the manifest names it. */
export type SubgraphFactory = (deps: SubgraphDeps) => { listen(port: number): Promise<RunningServer> };

/**
 * Runs one subgraph of the manifest as its own process (distributed mode): validated config, the
 * shared database (migrated at start-up, one process at a time), graceful stop on SIGTERM.
 */
export async function runSubgraphProcess(name: SubgraphName, create: SubgraphFactory): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, name);
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: required when a subgraph runs as its own process']);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(name, config.logLevel);
  await runMigrations(config.databaseUrl!);
  const metrics = createMetrics(name);
  const sql = createSqlClient(config.databaseUrl!, { max: config.dbPoolMax, embedded: config.databaseEmbedded, onStatement: () => metrics.observeStatement() });
  const running = await create({ sql, config, logger, metrics }).listen(config.ports[name]);
  onShutdown(async () => {
    await running.close();
    await sql.end({ timeout: 5 });
  });
}
