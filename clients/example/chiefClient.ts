import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { TaskBoardDocument, type TaskStatus } from '../generated/graphql.ts';

/** The shape every GraphQL response has. */
interface Response<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * A minimal typed client, as an app would write one around the generated documents: it sends
 * the operation's persisted hash first (automatic persisted queries; required where the gateway
 * only trusts listed documents), and the full text only if the gateway does not know the hash.
 */
export async function execute<TData, TVariables extends Record<string, unknown>>(
  endpoint: { url: string; token: string },
  document: TypedDocumentNode<TData, TVariables> & { __meta__?: { hash?: string } },
  variables: TVariables,
): Promise<TData> {
  const hash = document.__meta__?.hash?.replace(/^sha256:/, '');
  const send = async (withQuery: boolean): Promise<Response<TData>> => {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${endpoint.token}`,
      },
      body: JSON.stringify({
        ...(withQuery || !hash ? { query: print(document) } : {}),
        variables,
        ...(hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : {}),
      }),
    });
    return (await response.json()) as Response<TData>;
  };
  let result = await send(false);
  if (result.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) result = await send(true);
  if (result.errors?.length || !result.data) throw new Error(result.errors?.map((e) => e.message).join('; ') ?? 'no data');
  return result.data;
}

/** The titles and assignees on the task board, typed end to end. */
export async function loadTaskBoard(endpoint: { url: string; token: string }, status: TaskStatus[]) {
  const data = await execute(endpoint, TaskBoardDocument, { first: 20, filter: { status } });
  return data.tasks.edges.map(({ node }) => ({ title: node.title, assignee: node.assignee?.name ?? null, status: node.status }));
}
