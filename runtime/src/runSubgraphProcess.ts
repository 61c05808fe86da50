import { createSqlClient, runMigrations, type SqlClient } from '@chief/db';
import { ConfigError, loadConfig, type Config } from './loadConfig.ts';
import { createLogger, type Logger } from './createLogger.ts';
import type { RunningServer } from './createHttpServer.ts';
import { onShutdown } from './onShutdown.ts';

interface Listenable {
  listen(port: number): Promise<RunningServer>;
}

/**
 * Runs one subgraph as its own process (distributed mode): validated config, the shared
 * database (migrated at start-up, one process at a time), graceful stop on SIGTERM.
 */
export async function runSubgraphProcess(
  name: 'core' | 'work',
  portOf: (config: Config) => number,
  create: (deps: { sql: SqlClient; config: Config; logger: Logger }) => Listenable,
): Promise<void> {
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
  const sql = createSqlClient(config.databaseUrl!, { max: config.dbPoolMax, embedded: config.databaseEmbedded });
  const running = await create({ sql, config, logger }).listen(portOf(config));
  onShutdown(async () => {
    await running.close();
    await sql.end({ timeout: 5 });
  });
}
