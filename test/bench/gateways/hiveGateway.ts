import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { createGatewayRuntime, getGraphQLWSOptions } from '@graphql-hive/gateway';
import { comparisonGatewayEnv } from '../support/comparisonGatewayEnv.ts';

/**
 * Hive Gateway (`@graphql-hive/gateway`) in front of Chief's subgraphs, on node:http, with its
 * outbound deduplication of identical in-flight subgraph requests switched off (so every client
 * request costs its subgraph calls, as in the other gateways), no landing page and no logging.
 * Like the vanilla gateway it checks nothing and passes the client's authorization on: over HTTP
 * the Authorization header; over graphql-ws (served on /graphql as Hive's CLI serves it) the
 * `authorization` of the client's connection_init, which becomes the connection_init of Hive's
 * own socket to the owning subgraph and the Authorization header of the entity fetches it makes
 * per event.
 */
const { supergraphPath, subgraphUrls } = comparisonGatewayEnv();

// The committed supergraph names each subgraph's URL in production; point them at this run's.
let supergraph = readFileSync(supergraphPath, 'utf8');
for (const [name, url] of Object.entries(subgraphUrls)) {
  supergraph = supergraph.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`), `$1${url}`);
}

const gateway = createGatewayRuntime({
  supergraph,
  transportEntries: {
    '*.http': {
      options: {
        deduplicateInflightRequests: false,
        // Subscriptions go to the subgraph's own graphql-ws at its /graphql; Hive opens one socket
        // per distinct connection_init, so each client's token names its own subscriber.
        subscriptions: { kind: 'ws', location: '/graphql', options: { connectionParams: { authorization: '{context.connectionParams.authorization}' } } },
      },
    },
  },
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, context }) => ({
      authorization: request.headers.get('authorization') ?? (context.connectionParams as { authorization?: string } | undefined)?.authorization,
    }),
  },
  logging: false,
  landingPage: false,
  graphiql: false,
  maskedErrors: false,
});
// As Hive's CLI does before it listens: the supergraph loads on the first HTTP request otherwise,
// and a graphql-ws subscription that comes first fails ("Expected null to be a GraphQL schema").
await gateway.getSchema();
const server = createServer(gateway);
const sockets = new WebSocketServer({ server, path: gateway.graphqlEndpoint });
const subscriptions = useServer(
  getGraphQLWSOptions<Record<string, unknown>, Extra>(gateway, ({ extra }) => ({
    req: extra.request,
    socket: extra.socket,
    // The upgrade request, without its headers: a socket's authorization is its connection_init's.
    request: new Request(new URL(extra.request.url ?? '/', `http://${extra.request.headers.host}`)),
  })),
  sockets,
);
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` }));
});
process.on('SIGTERM', async () => {
  await subscriptions.dispose();
  server.close();
  await gateway.dispose();
  process.exit(0);
});
