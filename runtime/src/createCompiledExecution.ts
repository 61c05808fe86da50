import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, execute, getVariableValues, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { Logger } from './createLogger.ts';
import { hoistLiterals, hoistedVariables, type HoistedDocument } from './hoistLiterals.ts';

export interface CompiledExecutionOptions {
  /** A document is compiled on its n-th execution (2): one-off documents are not worth compiling. 0, never. */
  compileAfter?: number;
  /** Documents whose executions are counted (1,000); the least recently used is forgotten first. */
  maxDocuments?: number;
  /** Compiled documents kept (200), least recently used forgotten first: each holds its generated code. */
  maxCompiled?: number;
  /** Longest document compiled, in characters once hoisted (4,000): compiling costs time and memory in its size. */
  maxLength?: number;
  logger?: Logger;
}

/** Apollo Server's gateway interface (@apollo/server-gateway-interface), as its constructor takes it. */
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

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
  /** Hoisted once it is to be compiled, or null if it cannot be (it then always runs through graphql-js). */
  hoisted?: HoistedDocument | null;
}

/**
 * Execution of a subgraph's operations through graphql-jit, behind Apollo Server's gateway
 * interface (its one hook for another executor): the same schema, resolvers and results as
 * graphql-js, with the per-field work of graphql-js (argument objects, resolve info, completion
 * by type) compiled away. A subgraph answers the same few documents again and again, the
 * gateway's fetches, so each is compiled once, on its `compileAfter`-th execution; until then,
 * and for any document that cannot be compiled, graphql-js runs it.
 *
 * What is compiled never holds a value a client wrote (see hoistLiterals), and documents that
 * differ only in their literals share one compiled query. Variables are still coerced by
 * graphql-js first, so a bad variable gets exactly the error (and Apollo's 400 BAD_USER_INPUT) it
 * gets without compilation.
 */
export function createCompiledExecution(schema: GraphQLSchema, options: CompiledExecutionOptions = {}): GatewayInterface & { documents(): { counted: number; compiled: number } } {
  const { compileAfter = 2, maxDocuments = 1_000, maxCompiled = 200, maxLength = 4_000, logger } = options;
  const seen = new LRUCache<string, Seen>({ max: maxDocuments });
  // By hoisted text; false: graphql-jit refused it.
  const compiled = new LRUCache<string, CompiledQuery | false>({ max: maxCompiled });

  const compile = (hoisted: HoistedDocument, operationName: string | undefined): CompiledQuery | null => {
    const known = compiled.get(hoisted.text);
    if (known !== undefined) return known || null;
    const query = compileQuery(schema, hoisted.document, operationName);
    const made = isCompiledQuery(query) ? query : null;
    if (!made) logger?.debug({ operationName, errors: (query as ExecutionResult).errors?.map((e) => e.message) }, 'graphql-jit refused an operation; it runs through graphql-js');
    compiled.set(hoisted.text, made ?? false);
    return made;
  };

  const executor: GatewayExecutor = async (context) => {
    const { document, operation, request, operationName } = context;
    const key = `${operationName ?? ''}\n${context.queryHash}`;
    let entry = seen.get(key);
    if (!entry) seen.set(key, (entry = { executions: 0 }));
    entry.executions += 1;
    if (entry.hoisted === undefined && compileAfter > 0 && entry.executions >= compileAfter) {
      const hoisted = hoistLiterals(schema, document);
      entry.hoisted = hoisted && hoisted.text.length <= maxLength ? hoisted : null;
    }
    const query = entry.hoisted ? compile(entry.hoisted, operationName ?? undefined) : null;
    if (!query) {
      return (await execute({ schema, document, contextValue: context.context, variableValues: request.variables, operationName })) as ExecutionResult;
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
    if (coerced.errors) return { errors: coerced.errors };
    const result = await query.query(undefined, context.context, hoistedVariables(entry.hoisted!, request.variables));
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
    documents: () => ({ counted: seen.size, compiled: [...compiled.values()].filter(Boolean).length }),
  };
}
