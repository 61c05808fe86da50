import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { IDEMPOTENCY_KEY_HEADER, REQUEST_FINGERPRINT_HEADER, type InternalTokens, type Metrics } from '@chief/runtime';
import type { GatewayContext } from './gatewayContext.ts';

/**
 * Forwards the verified identity to a subgraph as the gateway's signed token, with the
 * request id. The gateway's own requests (reading SDL in development) carry a token of kind
 * `gateway`, which reads no data.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly tokens: InternalTokens,
    private readonly metrics: Metrics,
  ) {
    // Node's fetch keeps connections to the subgraphs alive.
    super({ url, fetcher: fetch as never });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const response = await super.process(options);
      if (!response.errors?.length) outcome = 'ok';
      return response;
    } finally {
      this.metrics.observeSubgraph(this.subgraph, outcome, (performance.now() - started) / 1000);
    }
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const token = context.internalToken ?? (await this.tokens.sign({ kind: 'gateway', userId: null, workspaceId: null, scopes: [] }));
    request.http?.headers.set('authorization', `Bearer ${token}`);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
    if (context.idempotency) {
      request.http?.headers.set(IDEMPOTENCY_KEY_HEADER, context.idempotency.key);
      request.http?.headers.set(REQUEST_FINGERPRINT_HEADER, context.idempotency.fingerprint);
    }
  }

  override async didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    if (context.idempotency && response.extensions?.idempotentReplay) context.idempotency.replayed = true;
    return response;
  }
}
