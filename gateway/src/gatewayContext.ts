import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { IdempotentRequest, Identity } from '@chief/runtime';

/** Per-request gateway context: who is asking, and the token that tells the subgraphs so. */
export interface GatewayContext {
  requestId: string;
  /** When the request's context was made (performance.now()): calls shared with it must have left since. */
  receivedAt: number;
  /** The verified caller; for an API key, set by authorizeOperation once the operation passed its checks. */
  identity?: Identity;
  /** The signed identity every subgraph call carries, signed by the first one. */
  internalToken?: string;
  /** A presented API key (genuine: its tag checked) not yet looked up at core. */
  apiKey?: PresentedApiKey;
  /** The client application a JWT was issued to (trusted documents are per client). */
  clientId?: string;
  /** When the bearer JWT expires (ms since the epoch): a subscription socket is closed then. */
  expiresAt?: number;
  /** The operation arrived where subscriptions are served: a graphql-ws socket or an event stream. */
  transport?: 'subscription';
  /** Where an event stream resumes (its Last-Event-ID): in place of the field's `after`. */
  resumeAfter?: string;
  /**
   * Where a subscription socket receives the request the pipeline accepted (every guard passed),
   * to subscribe to it. A box: Apollo runs the pipeline on a shallow copy of the context.
   */
  subscription?: { accepted?: GatewayGraphQLRequestContext };
  /** A mutation's Idempotency-Key, and whether a subgraph answered it from a stored response. */
  idempotency?: IdempotentRequest & { replayed: boolean };
}

export interface PresentedApiKey {
  key: string;
  workspace: string | undefined;
}
