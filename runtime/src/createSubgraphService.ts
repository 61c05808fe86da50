import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { DocumentNode } from 'graphql';
import type { SqlClient } from '@chief/db';
import type { Config } from './loadConfig.ts';
import { createErrorFormatter, unauthenticated } from './errors.ts';
import { bearerToken, createInternalTokens, type Identity } from './identity.ts';
import { RequestSession } from './createRequestSession.ts';
import { LoaderRegistry } from './LoaderRegistry.ts';
import { createHttpServer, type RunningServer } from './createHttpServer.ts';
import { useRequestSession } from './sessionPlugin.ts';
import type { Logger } from './createLogger.ts';

/** What every subgraph resolver receives. */
export interface SubgraphContext {
  identity: Identity;
  session: RequestSession;
  loaders: LoaderRegistry;
  config: Config;
  logger: Logger;
}

export interface SubgraphServiceOptions {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext>;
  sql: SqlClient;
  config: Config;
  logger: Logger;
}

/**
 * A subgraph as a service: its federated schema behind Apollo Server on node:http. Every request
 * must carry the gateway's signed token; without one the answer is UNAUTHENTICATED and no
 * resolver runs, `_entities` and `_service` included.
 */
export function createSubgraphService(options: SubgraphServiceOptions) {
  const { name, typeDefs, resolvers, sql, config, logger } = options;
  const tokens = createInternalTokens(config.subgraphSecret);
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    // The process entry points own SIGTERM: they close the HTTP server and the pool, then exit 0.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({
      includeStack: config.isDevelopment,
      onInternal: (error) => logger.error({ err: error }, 'internal error'),
    }),
    includeStacktraceInErrorResponses: config.isDevelopment,
    introspection: true,
    plugins: [ApolloServerPluginInlineTraceDisabled(), useRequestSession<SubgraphContext>()],
  });

  async function context(request: IncomingMessage, requestId: string): Promise<SubgraphContext> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw unauthenticated('This subgraph only answers requests signed by the gateway');
    const identity = await tokens.verify(token);
    return {
      identity,
      session: new RequestSession(sql, identity),
      loaders: new LoaderRegistry(),
      config,
      logger: logger.child({ requestId }),
    };
  }

  const http = createHttpServer({
    apollo,
    context,
    logger,
    ready: async () => {
      await sql.unsafe('select 1');
      return true;
    },
  });

  return {
    name,
    apollo,
    async listen(port: number, host = config.host): Promise<RunningServer> {
      await apollo.start();
      const running = await http.listen(port, host);
      logger.info({ url: running.url }, `${name} subgraph listening`);
      return {
        ...running,
        close: async () => {
          await running.close();
          await apollo.stop();
        },
      };
    },
  };
}
