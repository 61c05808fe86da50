import type { SqlClient } from '@chief/db';
import { createLogger, type Config, type LogDestination } from '@chief/runtime';
import { createCoreSubgraph } from '@chief/subgraph-core';
import { createWorkSubgraph } from '@chief/subgraph-work';
import { createGateway } from '@chief/gateway';
import { loadDemoData } from './demoData.ts';
import { openDatabase } from './openDatabase.ts';

export interface StartChiefOptions {
  config: Config;
  /** Where every service's JSON log lines go (stdout unless given; tests read them). */
  logDestination?: LogDestination;
  /** Called for every SQL statement the services send (tests count them). */
  onStatement?: (query: string) => void;
  /** Ports to listen on; 0 picks free ones. Defaults to the configured ports. */
  ports?: { gateway: number; core: number; work: number };
}

export interface RunningChief {
  gatewayUrl: string;
  subgraphUrls: { core: string; work: string };
  databaseUrl: string;
  sql: SqlClient;
  demoLoaded: boolean;
  stop(): Promise<void>;
}

/**
 * Everything in one process: the database (embedded unless DATABASE_URL is set), migrations,
 * demo data on first start, both subgraphs on their own ports and the gateway in front, talking
 * over HTTP exactly as in the distributed deployment.
 */
export async function startChief(options: StartChiefOptions): Promise<RunningChief> {
  const { config, onStatement, ports = config.ports } = options;
  const loggerFor = (service: string) => createLogger(service, config.logLevel, options.logDestination);
  const logger = loggerFor('chief');
  const database = await openDatabase(config);
  logger.info(database.migrations, 'migrations applied');
  const sql = database.connect({ onStatement });
  const demoLoaded = config.demoData ? await loadDemoData(sql) : false;

  const deps = { sql, config };
  const core = await createCoreSubgraph({ ...deps, logger: loggerFor('core') }).listen(ports.core);
  const work = await createWorkSubgraph({ ...deps, logger: loggerFor('work') }).listen(ports.work);
  const gateway = await createGateway({
    config,
    logger: loggerFor('gateway'),
    subgraphs: [
      { name: 'core', url: core.url },
      { name: 'work', url: work.url },
    ],
  }).listen(ports.gateway);

  return {
    gatewayUrl: gateway.url,
    subgraphUrls: { core: core.url, work: work.url },
    databaseUrl: database.url,
    sql,
    demoLoaded,
    async stop() {
      await gateway.close();
      await Promise.all([core.close(), work.close()]);
      await sql.end({ timeout: 5 });
      await database.stop();
    },
  };
}
