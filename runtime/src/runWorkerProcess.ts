import { createServer } from 'node:http';
import { createSqlClient, runMigrations } from '@chief/db';
import { ConfigError, loadConfig, type Config } from './loadConfig.ts';
import { createLogger } from './createLogger.ts';
import { onShutdown } from './onShutdown.ts';
import { createEmbedder, verifyEmbedder } from './embeddings.ts';
import { startSearchIndexer } from './searchIndexer.ts';

/** A configured embeddings server must answer Chief's vectors before anything starts (the local embedder always does). */
export async function checkEmbeddings(config: Config): Promise<void> {
  if (config.embeddings.provider !== 'openai') return;
  try {
    await verifyEmbedder(createEmbedder(config.embeddings));
  } catch (error) {
    const where = config.embeddings.baseUrl ? `the server at OPENAI_BASE_URL` : 'OpenAI';
    throw new ConfigError([`OPENAI_EMBEDDING_MODEL: ${where} cannot be used for ${config.embeddings.model}: ${(error as Error).message}`]);
  }
}

/**
 * The background worker as its own process (distributed mode; `npm start` runs it in-process):
 * the search index's pipeline on the job queue, as many replicas as the backlog needs (a job runs
 * on one of them at a time), stopped gracefully on SIGTERM (a job cut short is retried).
 */
export async function runWorkerProcess(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, 'worker');
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: required when the worker runs as its own process (npm start runs it itself)']);
    await checkEmbeddings(config);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger('worker', config.logLevel);
  await runMigrations(config.databaseUrl!);
  const sql = createSqlClient(config.databaseUrl!, { max: config.dbPoolMax, embedded: config.databaseEmbedded });
  const indexer = await startSearchIndexer({ sql, embedded: config.databaseEmbedded, logger, embedder: createEmbedder(config.embeddings), sweepMs: config.searchIndexer.sweepMs });
  // Readiness for the orchestrator: up once the job queue is working.
  const ready = createServer((req, res) => void res.writeHead(req.url === '/ready' ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url === '/ready' ? 'ready' : ''));
  await new Promise<void>((resolve) => ready.listen(config.searchIndexer.port, config.host, resolve));
  logger.info({ port: config.searchIndexer.port }, 'worker ready');
  onShutdown(async () => {
    ready.close();
    await indexer.stop();
    await sql.end({ timeout: 5 });
  });
}
