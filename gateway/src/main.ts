import { ConfigError, createLogger, loadConfig } from '@chief/runtime';
import { createGateway } from './createGateway.ts';

// The gateway as its own process (distributed mode): subgraph URLs come from the environment.
try {
  const config = loadConfig(process.env, 'gateway');
  const logger = createLogger('gateway', config.logLevel);
  const gateway = createGateway({
    config,
    logger,
    subgraphs: [
      { name: 'core', url: config.subgraphUrls.core },
      { name: 'work', url: config.subgraphUrls.work },
    ],
  });
  const running = await gateway.listen();
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
