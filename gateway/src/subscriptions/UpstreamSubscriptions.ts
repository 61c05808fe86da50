import WebSocket from 'ws';
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { GATEWAY_IDENTITY, type InternalTokens } from '@chief/runtime';

export interface UpstreamSink {
  next(result: ExecutionResult): void;
  /** The subscription failed: GraphQL errors, or the socket closed (the subgraph went away). */
  error(error: unknown): void;
  complete(): void;
}

/**
 * The gateway's graphql-ws sockets to the subgraphs: one per subgraph, opened on the first
 * subscription and closed after the last, signed as the gateway itself; each subscribe message
 * names its subscriber in `extensions.authorization` (and where to resume in `extensions.resumeAfter`). A socket that drops ends its subscriptions
 * (the gateway closes their clients with ServerRestarting; they resume from their cursors).
 */
export class UpstreamSubscriptions {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly urls: Map<string, string>,
    private readonly tokens: InternalTokens,
  ) {}

  subscribe(
    subgraph: string,
    { resumeAfter, ...request }: { query: string; variables: Record<string, unknown>; operationName?: string; resumeAfter?: string },
    subscriberToken: string,
    sink: UpstreamSink,
  ): () => void {
    const extensions = { authorization: `Bearer ${subscriberToken}`, ...(resumeAfter !== undefined ? { resumeAfter } : {}) };
    return this.client(subgraph).subscribe({ ...request, extensions }, sink);
  }

  private client(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (client) return client;
    const url = this.urls.get(subgraph);
    if (!url) throw new Error(`No URL for the ${subgraph} subgraph`);
    client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      connectionParams: () => ({ authorization: `Bearer ${this.tokens.sign(GATEWAY_IDENTITY)}` }),
    });
    this.clients.set(subgraph, client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }
}
