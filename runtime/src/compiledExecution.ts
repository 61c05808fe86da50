import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, execute, getVariableValues, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { hoistLiterals, hoistedVariables, type HoistedDocument } from './hoistLiterals.ts';

export interface CompiledExecutionOptions {
  /** A document is compiled on its n-th execution (2): one-off documents are not worth compiling. 0, never. */
  compileAfter?: number;
  /** Documents remembered, compiled or counted (1,000); the least recently used is forgotten first. */
  maxDocuments?: number;
}

/** Apollo Server's gateway interface (@apollo/server-gateway-interface), as its constructor takes it. */
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayGraphQLRequestContext = Parameters<GatewayExecutor>[0];

/**
 * graphql-jit's errors as graphql-js makes them: its own have no `extensions` unless the error
 * thrown had some, and Apollo Server reads `extensions.code` of every error.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const { message, path, originalError, extensions, locations } = error;
  const made = new GraphQLError(message, { path, originalError: originalError ?? undefined, extensions });
  return Object.assign(made, { locations });
}

interface Seen {
  executions: number;
  /** Compiled, or null once it could not be (it then always runs through graphql-js). */
  compiled?: { query: CompiledQuery; hoisted: HoistedDocument } | null;
}

/**
 * Execution of a subgraph's operations through graphql-jit, behind Apollo Server's gateway
 * interface (its one hook for another executor): the same schema, resolvers and results as
 * graphql-js, with the per-field work of graphql-js (argument objects, resolve info, completion
 * by type) compiled away. A subgraph answers the same few documents again and again, the
 * gateway's fetches, so each is compiled once, on its `compileAfter`-th execution; until then,
 * and for any document that cannot be compiled, graphql-js runs it.
 *
 * What is compiled never holds a value a client wrote (see hoistLiterals). Variables are still
 * coerced by graphql-js first, so a bad variable gets exactly the error (and Apollo's 400
 * BAD_USER_INPUT) it gets without compilation.
 */
export function compiledExecution(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): GatewayInterface & { documents(): { remembered: number; compiled: number } } {
  const { compileAfter = 2, maxDocuments = 1_000 } = options;
  const seen = new Map<string, Seen>();

  const remember = (key: string): Seen => {
    let entry = seen.get(key);
    if (entry) {
      // Map order is insertion order: moved to the end, it is the most recently used.
      seen.delete(key);
    } else {
      entry = { executions: 0 };
      if (seen.size >= maxDocuments) seen.delete(seen.keys().next().value!);
    }
    seen.set(key, entry);
    return entry;
  };

  const compile = (context: GatewayGraphQLRequestContext): Seen['compiled'] => {
    const hoisted = hoistLiterals(schema, context.document);
    if (!hoisted) return null;
    try {
      const query = compileQuery(schema, hoisted.document, context.operationName ?? undefined);
      return isCompiledQuery(query) ? { query, hoisted } : null;
    } catch (error) {
      context.logger.warn(`graphql-jit could not compile ${context.operationName ?? 'an operation'}; it runs through graphql-js: ${(error as Error).message}`);
      return null;
    }
  };

  const executor: GatewayExecutor = async (context) => {
    const { document, operation, request, operationName } = context;
    const entry = remember(`${operationName ?? ''}\n${context.queryHash}`);
    entry.executions += 1;
    if (entry.compiled === undefined && compileAfter > 0 && entry.executions >= compileAfter) entry.compiled = compile(context);
    if (!entry.compiled) {
      return (await execute({ schema, document, contextValue: context.context, variableValues: request.variables, operationName })) as ExecutionResult;
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) return { errors: coerced.errors };
    const { query, hoisted } = entry.compiled;
    const result = await query.query(undefined, context.context, hoistedVariables(hoisted, request.variables));
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
    documents: () => ({ remembered: seen.size, compiled: [...seen.values()].filter((entry) => entry.compiled).length }),
  };
}
