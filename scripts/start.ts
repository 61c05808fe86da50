import { ConfigError, loadConfig, onShutdown } from '@chief/runtime';
import { startChief } from './startChief.ts';
import { DEMO_WORKSPACE_ID } from './demoData.ts';

// `npm start`: Chief in one process, on the embedded database unless DATABASE_URL is set.
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
let chief;
try {
  chief = await startChief({ config });
} catch (error) {
  // A configured service that cannot be used (the embeddings server) is a configuration error too.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const url = `http://localhost:${new URL(chief.gatewayUrl).port}/graphql`;
console.log(`
Chief is running.
  GraphQL API      ${url}
  Database         ${config.databaseUrl ? 'DATABASE_URL' : `embedded PGlite in ${config.pglite.dataDir} (yours alone: psql "${chief.databaseUrl}")`}
  Demo workspace   Acme Robotics (${DEMO_WORKSPACE_ID})${chief.demoLoaded ? ', loaded now' : ''}

Get a development token (owner, admin, member or viewer):
  npm run -s token -- --role owner

Then:
  curl ${url} -H "authorization: Bearer $(npm run -s token -- --role owner)" \\
    -H 'content-type: application/json' -d '{"query":"{ tasks(first: 5) { edges { node { title assignee { name } } } } }"}'
`);
onShutdown(async () => {
  await chief.stop();
  console.log('Chief stopped; the database is closed.');
});
