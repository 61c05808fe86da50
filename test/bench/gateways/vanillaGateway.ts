import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { comparisonGatewayEnv } from '../support/comparisonGatewayEnv.ts';

/**
 * The baseline of the benchmark: a plain @apollo/gateway behind @apollo/server's standalone
 * server, as its documentation sets it up, in front of Chief's subgraphs. It checks nothing: the
 * client's Authorization header (a token the subgraphs accept) is passed on as it came.
 */
const { supergraphPath, subgraphUrls } = comparisonGatewayEnv();

class ForwardingDataSource extends RemoteGraphQLDataSource<{ authorization?: string }> {
  override willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<{ authorization?: string }>['willSendRequest']>>[0]) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}

// As Chief's gateway does: no usage reports to Apollo from a benchmark (nor probes of cloud metadata endpoints).
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ name, url }) => new ForwardingDataSource({ url: subgraphUrls[name] ?? url }),
});
const server = new ApolloServer<{ authorization?: string }>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: 0, host: '127.0.0.1' },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(JSON.stringify({ url }));
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
