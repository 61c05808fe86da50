import { STATUS_CODES } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { ErrorCode, GATEWAY_IDENTITY, IDEMPOTENCY_KEY_HEADER, REQUEST_FINGERPRINT_HEADER, type Identity, type InternalTokens, type Metrics } from '@chief/runtime';
import type { GatewayContext } from './gatewayContext.ts';
import type { SubgraphClient, SubgraphAnswer } from './createSubgraphClient.ts';
import { InflightCalls } from './InflightCalls.ts';
import { uniqueRepresentations } from './uniqueRepresentations.ts';
import { isMergeable, mergeOperations, type FetchOperation, type FetchResponse, type SubgraphRequest } from './mergeOperations.ts';

export interface SubgraphDataSourceOptions {
  /** Fetches of one client request that leave for this subgraph together travel as one request. */
  batching: boolean;
  /** Identical queries in flight for the same caller are sent once (see InflightCalls); never a mutation's. */
  deduplication: boolean;
}

interface Waiting {
  fetch: FetchOperation;
  shareable: boolean;
  resolve: (response: FetchResponse) => void;
  reject: (error: unknown) => void;
}

/** Runs `fn` once the work already queued has run (as DataLoader batches): after the promise jobs, then a tick. */
const afterQueuedWork = (fn: () => void) => void Promise.resolve().then(() => process.nextTick(fn));

/** A subgraph's answer other than 2xx, as Apollo's RemoteGraphQLDataSource reports it (without the subgraph's URL or body). */
class SubgraphHttpError extends GraphQLError {
  constructor(
    readonly status: number,
    message: string,
    code: string | undefined,
  ) {
    super(message, { extensions: code ? { code } : {} });
  }
}

/** An error a part got only because another part of the same transaction failed first. */
const abortedByAnother = (response: FetchResponse) => response.errors?.some((error) => error.extensions?.code === ErrorCode.TRANSACTION_ABORTED) ?? false;

/** A merged call refused for its size (the subgraph's body limit, the gateway's answer limit): each part may fit alone. */
const tooLargeTogether = (error: unknown) =>
  (error instanceof SubgraphHttpError && error.status === 413) || (error as { code?: unknown } | null)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE';

/**
 * The caller a subgraph call speaks for, as one string: calls are shared only under the same one.
 * Made once per identity, which a client request keeps for all its calls.
 */
const callerKeys = new WeakMap<Identity, string>();
function callerKey(identity: Identity): string {
  let key = callerKeys.get(identity);
  if (key === undefined) {
    key = JSON.stringify([identity.kind, identity.userId, identity.workspaceId, identity.apiKeyId ?? null, identity.scopes]);
    callerKeys.set(identity, key);
  }
  return key;
}

/**
 * The gateway's calls to one subgraph. Each carries the verified identity as the gateway's signed
 * token (signed once per client request, on its first call; the gateway's own calls, to read a
 * subgraph's SDL, carry the `gateway` kind, which reads no data), the request id and a mutation's
 * idempotency key.
 *
 * An entity fetch is sent with each distinct representation once (uniqueRepresentations). The
 * fetches of one client request's plan that leave for this subgraph in the same turn (the
 * `_entities` fetches of a Parallel node) are merged into one operation (mergeOperations): one
 * HTTP request, one transaction and one snapshot at the subgraph, whose loaders then batch across
 * them. Only fetches of the same client request are merged, so only under one identity, and never
 * a mutation's own fields. Identical queries in flight for the same identity are sent once
 * (InflightCalls), except the fetches of a mutation operation.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly waiting = new Map<GatewayContext, Waiting[]>();
  private readonly inflight = new InflightCalls<SubgraphAnswer>();

  constructor(
    private readonly subgraph: string,
    private readonly client: SubgraphClient,
    private readonly tokens: InternalTokens,
    private readonly metrics: Metrics,
    private readonly options: SubgraphDataSourceOptions,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<FetchResponse> {
    const { query, variables = {}, operationName } = options.request;
    if (!query) throw new Error('A subgraph fetch without a query');
    const request: SubgraphRequest = { query, variables, operationName };
    // A health check or the gateway reading a subgraph's SDL: no client request behind it.
    if (!('incomingRequestContext' in options)) return this.send(request, this.tokens.sign(GATEWAY_IDENTITY));
    const { context, document } = options;
    // A mutation's fetches are never shared: those after its writes read them, and an identical
    // query in flight (sent after the mutation arrived, perhaps before it committed) may not.
    const shareable = options.incomingRequestContext.operation.operation === 'query';
    if (!document || !isMergeable(document)) return this.sendFor(context, request, false);
    const asked: FetchOperation = { ...request, document };
    const unique = uniqueRepresentations(asked);
    const fetch = unique?.fetch ?? asked;
    const response = this.options.batching ? await this.travelTogether(context, fetch, shareable) : await this.sendFor(context, fetch, shareable);
    return unique ? unique.expand(response) : response;
  }

  /** Waits for the other fetches this client request sends to this subgraph in the same turn. */
  private travelTogether(context: GatewayContext, fetch: FetchOperation, shareable: boolean): Promise<FetchResponse> {
    return new Promise((resolve, reject) => {
      let waiting = this.waiting.get(context);
      if (!waiting) {
        waiting = [];
        this.waiting.set(context, waiting);
        afterQueuedWork(() => void this.flush(context));
      }
      waiting.push({ fetch, shareable, resolve, reject });
    });
  }

  /** Sends what one client request has waiting for this subgraph: alone, or merged. */
  private async flush(context: GatewayContext) {
    const waiting = this.waiting.get(context)!;
    this.waiting.delete(context);
    const alone = (each: Waiting) => this.sendFor(context, each.fetch, each.shareable).then(each.resolve, each.reject);
    if (waiting.length === 1) return alone(waiting[0]!);
    let parts: FetchResponse[] | undefined;
    try {
      const merged = mergeOperations(waiting.map((w) => w.fetch));
      parts = merged.split(await this.sendFor(context, merged, waiting.every((w) => w.shareable)));
    } catch (error) {
      if (tooLargeTogether(error)) return void (await Promise.all(waiting.map(alone)));
      for (const each of waiting) each.reject(error);
      return;
    }
    // No data says a non-null root field failed, but not whose: every part is asked alone. In one
    // transaction a failed statement fails every later one, whichever part it belongs to: the
    // parts that got TRANSACTION_ABORTED are asked alone. Each gets the answer it would have had.
    const again = parts ? waiting.filter((_, index) => abortedByAnother(parts[index]!)) : waiting;
    if (again.length < waiting.length) this.metrics.observeFetchesMerged(this.subgraph, waiting.length - again.length);
    waiting.forEach((each, index) => {
      if (!again.includes(each)) each.resolve(parts![index]!);
    });
    await Promise.all(again.map(alone));
  }

  /** A call for a client request: its identity's token, its request id, a mutation's idempotency key; shared only if `shareableCall`. */
  private async sendFor(context: GatewayContext, request: SubgraphRequest, shareableCall: boolean): Promise<FetchResponse> {
    const identity = context.identity ?? GATEWAY_IDENTITY;
    context.internalToken ??= this.tokens.sign(identity);
    const headers: Record<string, string> = {};
    if (context.requestId) headers['x-request-id'] = context.requestId;
    if (context.idempotency) {
      headers[IDEMPOTENCY_KEY_HEADER] = context.idempotency.key;
      headers[REQUEST_FINGERPRINT_HEADER] = context.idempotency.fingerprint;
    }
    const shareable = shareableCall && this.options.deduplication && context.identity !== undefined && !context.idempotency;
    const response = await this.send(request, context.internalToken, headers, shareable ? { caller: callerKey(identity), arrivedAt: context.receivedAt } : undefined);
    if (context.idempotency && response.extensions?.idempotentReplay) context.idempotency.replayed = true;
    return response;
  }

  private async send(request: SubgraphRequest, token: string, extraHeaders: Record<string, string> = {}, sharing?: { caller: string; arrivedAt: number }): Promise<FetchResponse> {
    const { query, variables, operationName } = request;
    const body = JSON.stringify({ query, variables, ...(operationName ? { operationName } : {}) });
    const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, ...extraHeaders };
    const call = () => this.call(body, headers);
    const { answer, shared } = sharing ? this.inflight.run(`${sharing.caller}\n${body}`, sharing.arrivedAt, call) : { answer: call(), shared: false };
    if (shared) this.metrics.observeSharedCall(this.subgraph);
    const { status, text, seconds } = await answer;
    let response: FetchResponse | undefined;
    try {
      if (status < 200 || status > 299) {
        const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
        throw new SubgraphHttpError(status, `${status}: ${STATUS_CODES[status] ?? 'Error'}`, code);
      }
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`The ${this.subgraph} subgraph answered with something other than a GraphQL response`);
      return (response = parsed as FetchResponse);
    } finally {
      if (!shared) this.metrics.observeSubgraph(this.subgraph, response && !response.errors?.length ? 'ok' : 'error', seconds);
    }
  }

  /** One HTTP call; one that fails is counted here, one that answers where it is read. */
  private async call(body: string, headers: Record<string, string>): Promise<SubgraphAnswer> {
    const started = performance.now();
    try {
      return await this.client.post(body, headers);
    } catch (error) {
      this.metrics.observeSubgraph(this.subgraph, 'error', (performance.now() - started) / 1000);
      throw error;
    }
  }
}
