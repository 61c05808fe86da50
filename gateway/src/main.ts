import { ConfigError, createLogger, loadConfig, onShutdown, subgraphNames } from '@chief/runtime';
import { createGateway } from './createGateway.ts';

// The gateway as its own process (distributed mode): the manifest's subgraphs, at the URLs the environment gives.
try {
  const config = loadConfig(process.env, 'gateway');
  const logger = createLogger('gateway', config.logLevel);
  const gateway = createGateway({ config, logger, subgraphs: subgraphNames.map((name) => ({ name, url: config.subgraphUrls[name] })) });
  const running = await gateway.listen();
  onShutdown(() => running.close());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
