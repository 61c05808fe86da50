import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { comparisonGatewayEnv } from '../support/comparisonGatewayEnv.ts';

/**
 * Hive Gateway's runtime in front of Chief's subgraphs, on node:http, with its outbound
 * deduplication of identical in-flight subgraph requests switched off (so every client request
 * costs its subgraph calls, as in the other gateways), no landing page and no logging. Like the
 * vanilla gateway it checks nothing and passes the client's Authorization header on.
 */
const { supergraphPath, subgraphUrls } = comparisonGatewayEnv();

// The committed supergraph names each subgraph's URL in production; point them at this run's.
let supergraph = readFileSync(supergraphPath, 'utf8');
for (const [name, url] of Object.entries(subgraphUrls)) {
  supergraph = supergraph.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`), `$1${url}`);
}

const gateway = createGatewayRuntime({
  supergraph,
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }) },
  logging: false,
  landingPage: false,
  graphiql: false,
  maskedErrors: false,
});
const server = createServer(gateway);
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }));
});
process.on('SIGTERM', async () => {
  server.close();
  await gateway.dispose();
  process.exit(0);
});
