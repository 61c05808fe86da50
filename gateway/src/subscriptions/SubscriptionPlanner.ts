import type { GraphQLSchema } from 'graphql';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { ExecutionResult } from 'graphql-ws';

/** The service name the plan's primary fetch is given: the event the subgraph sent, already fetched. */
const EVENT_SOURCE = '__chief_event';
const MAX_PLANS = 1_000;

/** A subscription operation, planned: where its events come from, and how each is completed. */
export interface PlannedSubscription {
  primary: FetchNode;
  queryPlan: QueryPlan;
  operationContext: ReturnType<typeof buildOperationContext>;
}

/**
 * Plans subscriptions with Apollo's query planner (which plans them: a primary fetch that
 * subscribes to the owning subgraph, and the rest of the plan for the fields other subgraphs
 * own) and completes each event through Apollo's own executeQueryPlan: the primary fetch is
 * answered with the event, then every entity fetch of the rest runs as it would for a query,
 * under the subscriber's context (its identity, merged fetches). `@apollo/gateway` refuses only
 * to run the SubscriptionNode itself. Built on the first subscription, rebuilt for a new supergraph.
 */
export class SubscriptionPlanner {
  private sdl: string | undefined;
  private built: { planner: QueryPlanner; apiSchema: Schema; supergraphSchema: GraphQLSchema; apiGraphQLSchema: GraphQLSchema; subgraphs: ServiceMap } | undefined;
  private readonly plans = new Map<string, PlannedSubscription>();

  constructor(private readonly dataSources: Map<string, GraphQLDataSource>) {}

  /** A new supergraph (ApolloGateway's onSchemaLoadOrUpdate): plans are made afresh. */
  update(coreSupergraphSdl: string): void {
    if (coreSupergraphSdl === this.sdl) return;
    this.sdl = coreSupergraphSdl;
    this.built = undefined;
    this.plans.clear();
  }

  plan(request: GatewayGraphQLRequestContext): PlannedSubscription {
    const key = `${request.queryHash}\n${request.operationName ?? ''}`;
    const known = this.plans.get(key);
    if (known) return known;
    const { planner, apiSchema, apiGraphQLSchema } = this.build();
    const operation = operationFromDocument(apiSchema, request.document, { operationName: request.operationName ?? undefined });
    const node = planner.buildQueryPlan(operation).node;
    if (node?.kind !== 'Subscription') throw new Error('SubscriptionPlanner: the plan of a subscription has no Subscription node');
    const planned = this.planned(node, buildOperationContext({ schema: apiGraphQLSchema, operationDocument: request.document, operationName: request.operationName ?? undefined }));
    if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(key, planned);
    return planned;
  }

  /** Completes one event of `planned` for the subscriber whose request context this is. */
  async resolve(planned: PlannedSubscription, request: GatewayGraphQLRequestContext, eventData: Record<string, unknown>): Promise<ExecutionResult> {
    const { apiSchema, supergraphSchema, subgraphs } = this.build();
    const serviceMap: ServiceMap = { ...subgraphs, [EVENT_SOURCE]: { process: async () => ({ data: eventData }) } };
    return executeQueryPlan(planned.queryPlan, serviceMap, request, planned.operationContext, supergraphSchema, apiSchema) as Promise<ExecutionResult>;
  }

  private planned({ primary, rest }: SubscriptionNode, operationContext: PlannedSubscription['operationContext']): PlannedSubscription {
    const answered: FetchNode = { ...primary, serviceName: EVENT_SOURCE };
    return { primary, operationContext, queryPlan: { kind: 'QueryPlan', node: rest ? { kind: 'Sequence', nodes: [answered, rest] } : answered } };
  }

  private build() {
    if (this.built) return this.built;
    if (!this.sdl) throw new Error('SubscriptionPlanner: no supergraph loaded yet');
    const supergraph = Supergraph.build(this.sdl);
    const apiSchema = supergraph.apiSchema();
    this.built = {
      planner: new QueryPlanner(supergraph, { exposeDocumentNodeInFetchNode: true }),
      apiSchema,
      supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
      apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
      // The data sources ApolloGateway made for this supergraph (it makes them before the schema is announced).
      subgraphs: Object.fromEntries(this.dataSources),
    };
    return this.built;
  }
}
