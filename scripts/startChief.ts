import type { SqlClient } from '@chief/db';
import {
  checkEmbeddings, createEmbedder, createLogger, createMetrics, createSearchFields, startSearchIndexer, type Config, type LogDestination, type RunningServer, type SubgraphName,
} from '@chief/runtime';
import { loadSubgraphs } from './loadSubgraphs.ts';
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
  ports?: Config['ports'];
}

export interface RunningChief {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrl: string;
  sql: SqlClient;
  demoLoaded: boolean;
  stop(): Promise<void>;
}

/**
 * Everything in one process: the database (embedded unless DATABASE_URL is set), migrations,
 * demo data on first start, every subgraph of the manifest on its own port and the gateway in
 * front, talking over HTTP exactly as in the distributed deployment.
 */
export async function startChief(options: StartChiefOptions): Promise<RunningChief> {
  const { config, onStatement, ports = config.ports } = options;
  const loggerFor = (service: string) => createLogger(service, config.logLevel, options.logDestination);
  const logger = loggerFor('chief');
  await checkEmbeddings(config);
  const database = await openDatabase(config);
  logger.info(database.migrations, 'migrations applied');
  const sql = database.connect({ onStatement });
  const demoLoaded = config.demoData ? await loadDemoData(sql) : false;

  // Each subgraph has a pool of its own, as when it runs as its own process, and counts its statements.
  // They share one embedder for queries (one client, rate limit and query cache); the worker has its own,
  // as in the distributed deployment, so a backlog never queues ahead of someone's search.
  const search = createSearchFields(createEmbedder(config.embeddings));
  const services: { name: SubgraphName; running: RunningServer; pool: SqlClient }[] = [];
  for (const subgraph of await loadSubgraphs()) {
    const metrics = createMetrics(subgraph.name);
    const pool = database.connect({ onStatement: (query) => (metrics.observeStatement(), onStatement?.(query)) });
    const running = await subgraph.create({ sql: pool, config, logger: loggerFor(subgraph.name), metrics, search }).listen(ports[subgraph.name]);
    services.push({ name: subgraph.name, running, pool });
  }
  const gateway = await createGateway({
    config,
    logger: loggerFor('gateway'),
    subgraphs: services.map(({ name, running }) => ({ name, url: running.url })),
  }).listen(ports.gateway);
  // The search index's worker, on a pool of its own (SEARCH_INDEXER=false leaves it to `npm run start:worker`);
  // its statements are not the requests' (onStatement counts those).
  const workerPool = config.searchIndexer.inProcess ? database.connect() : undefined;
  const indexer = workerPool
    ? await startSearchIndexer({ sql: workerPool, embedded: database.embedded, logger: loggerFor('worker'), embedder: createEmbedder(config.embeddings), sweepMs: config.searchIndexer.sweepMs })
    : undefined;

  return {
    gatewayUrl: gateway.url,
    subgraphUrls: Object.fromEntries(services.map(({ name, running }) => [name, running.url])) as Record<SubgraphName, string>,
    databaseUrl: database.url,
    sql,
    demoLoaded,
    async stop() {
      await indexer?.stop();
      await gateway.close();
      await Promise.all(services.map(({ running }) => running.close()));
      await Promise.all([sql, ...(workerPool ? [workerPool] : []), ...services.map(({ pool }) => pool)].map((pool) => pool.end({ timeout: 5 })));
      await database.stop();
    },
  };
}
