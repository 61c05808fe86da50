import { createSqlClient, runMigrations } from '@chief/db';
import { ConfigError, loadConfig, type Config } from './loadConfig.ts';
import { createLogger } from './createLogger.ts';
import { onShutdown } from './onShutdown.ts';
import { loadSubgraph } from './loadSubgraph.ts';
import type { SubgraphName } from './subgraphManifest.ts';

/**
 * Runs one subgraph of the manifest as its own process (distributed mode): validated config, the
 * shared database (migrated at start-up, one process at a time), graceful stop on SIGTERM.
 */
export async function runSubgraphProcess(name: SubgraphName): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, name);
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: required when a subgraph runs as its own process']);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(name, config.logLevel);
  const subgraph = await loadSubgraph(name);
  await runMigrations(config.databaseUrl!);
  const sql = createSqlClient(config.databaseUrl!, { max: config.dbPoolMax, embedded: config.databaseEmbedded });
  const running = await subgraph.create({ sql, config, logger }).listen(config.ports[name]);
  onShutdown(async () => {
    await running.close();
    await sql.end({ timeout: 5 });
  });
}
