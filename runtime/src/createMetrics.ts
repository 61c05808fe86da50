import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const MAX_OPERATION_NAMES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/**
 * One service's Prometheus metrics (its own registry, so several services can share a process):
 * GraphQL requests by operation name and HTTP status, with latency; the gateway adds its calls
 * to each subgraph. Operation names are the clients' choice, so they are checked and capped to
 * keep the label set bounded.
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
