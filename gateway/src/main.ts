import { ConfigError, createLogger, loadConfig, onShutdown } from '@chief/runtime';
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
  onShutdown(() => running.close());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
