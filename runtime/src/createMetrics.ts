import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const MAX_OPERATION_NAMES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * One service's Prometheus metrics (its own registry, so several services can share a process):
 * GraphQL requests by operation name and HTTP status, with latency; the gateway adds its calls
 * to each subgraph, and a subgraph the statements its pool sends. Operation names are the
 * clients' choice, so they are checked and capped to keep the label set bounded.
 */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'chief_graphql_requests_total', help: 'GraphQL requests by operation name and HTTP status.', labelNames: ['operation', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'chief_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation name.',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const subgraphRequests = new Counter({ name: 'chief_subgraph_requests_total', help: 'Gateway calls to each subgraph by outcome.', labelNames: ['subgraph', 'outcome'], registers: [registry] });
  const subgraphLatency = new Histogram({
    name: 'chief_subgraph_request_duration_seconds',
    help: 'Latency of the gateway calls to each subgraph.',
    labelNames: ['subgraph'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const mergedFetches = new Counter({ name: 'chief_subgraph_fetches_merged_total', help: 'Fetches of a query plan that travelled to their subgraph merged with others of the same request.', labelNames: ['subgraph'], registers: [registry] });
  const sharedCalls = new Counter({ name: 'chief_subgraph_calls_shared_total', help: 'Subgraph queries answered by an identical call in flight for the same caller.', labelNames: ['subgraph'], registers: [registry] });
  const statements = new Counter({ name: 'chief_sql_statements_total', help: 'SQL statements sent by this service\'s pool, BEGIN and COMMIT included.', registers: [registry] });
  const subscriptionEvents = new Counter({ name: 'chief_subscription_events_resolved_total', help: 'Subscription events completed (once per event for every group of identical subscriptions).', registers: [registry] });
  const subscriptionDeliveries = new Counter({ name: 'chief_subscription_events_delivered_total', help: 'Subscription results handed to subscribers.', registers: [registry] });
  const subscribers = new Gauge({ name: 'chief_subscribers', help: 'Subscriptions the gateway is serving to clients (graphql-ws and SSE).', registers: [registry] });
  const subscriptionGroups = new Gauge({ name: 'chief_subscription_groups', help: 'Distinct subscriptions the gateway holds at the subgraphs (identical subscribers share one).', registers: [registry] });
  const subscriptionCloses = new Counter({ name: 'chief_subscription_closes_total', help: 'Subscription sockets the gateway closed, by close code.', labelNames: ['code'], registers: [registry] });
  const seen = new Set<string>();
  const operationLabel = (name: string | undefined) => {
    if (!name) return 'anonymous';
    if (!NAME.test(name)) return 'invalid';
    if (!seen.has(name) && seen.size >= MAX_OPERATION_NAMES) return 'other';
    seen.add(name);
    return name;
  };

  return {
    registry,
    observeRequest(operationName: string | undefined, status: number, seconds: number) {
      const operation = operationLabel(operationName);
      requests.inc({ operation, status: String(status) });
      latency.observe({ operation }, seconds);
    },
    observeSubgraph(subgraph: string, outcome: 'ok' | 'error', seconds: number) {
      subgraphRequests.inc({ subgraph, outcome });
      subgraphLatency.observe({ subgraph }, seconds);
    },
    /** `fetches` fetches of one request sent to `subgraph` as one call. */
    observeFetchesMerged(subgraph: string, fetches: number) {
      mergedFetches.inc({ subgraph }, fetches);
    },
    /** A subgraph query that shared the answer of an identical call in flight. */
    observeSharedCall(subgraph: string) {
      sharedCalls.inc({ subgraph });
    },
    /** One subscription event completed, then handed to `subscribers` subscribers. */
    observeSubscriptionEvent(subscribers: number) {
      subscriptionEvents.inc();
      subscriptionDeliveries.inc(subscribers);
    },
    /** A client's subscription started (+1) or ended (-1). */
    countSubscribers(change: 1 | -1) {
      subscribers.inc(change);
    },
    /** A shared subscription at a subgraph opened (+1) or ended (-1). */
    countSubscriptionGroups(change: 1 | -1) {
      subscriptionGroups.inc(change);
    },
    observeSubscriptionClose(code: number) {
      subscriptionCloses.inc({ code: String(code) });
    },
    /** One statement sent by the service's own pool (the process entry wires it to the pool). */
    observeStatement() {
      statements.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
