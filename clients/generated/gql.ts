/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ContactList($first: Int = 30, $after: String, $filter: ContactFilter) {\n  contacts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        name\n        email\n        company\n        tags\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ContactPage($id: ID!) {\n  contact(id: $id) {\n    id\n    name\n    email\n    company\n    jobTitle\n    relatedTasks(first: 20) {\n      edges {\n        node {\n          id\n          title\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}": typeof types.ContactListDocument,
    "query TaskBoard($first: Int = 50, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        id\n        title\n        status\n        priority\n        dueAt\n        assignee {\n          id\n          name\n        }\n        founder {\n          id\n          name\n        }\n        contact {\n          id\n          name\n          company\n        }\n        deal {\n          id\n          title\n          stage\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.TaskBoardDocument,
    "mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    id\n    title\n    status\n    priority\n    dueAt\n  }\n}\n\nmutation CompleteTask($id: ID!) {\n  completeTask(id: $id) {\n    id\n    status\n    completedAt\n  }\n}": typeof types.CreateTaskDocument,
    "query Viewer {\n  viewer {\n    userId\n    workspaces {\n      id\n      name\n      slug\n      myRole\n    }\n    member {\n      id\n      name\n      role\n    }\n  }\n}": typeof types.ViewerDocument,
};
const documents: Documents = {
    "query ContactList($first: Int = 30, $after: String, $filter: ContactFilter) {\n  contacts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        name\n        email\n        company\n        tags\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ContactPage($id: ID!) {\n  contact(id: $id) {\n    id\n    name\n    email\n    company\n    jobTitle\n    relatedTasks(first: 20) {\n      edges {\n        node {\n          id\n          title\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}": types.ContactListDocument,
    "query TaskBoard($first: Int = 50, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        id\n        title\n        status\n        priority\n        dueAt\n        assignee {\n          id\n          name\n        }\n        founder {\n          id\n          name\n        }\n        contact {\n          id\n          name\n          company\n        }\n        deal {\n          id\n          title\n          stage\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.TaskBoardDocument,
    "mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    id\n    title\n    status\n    priority\n    dueAt\n  }\n}\n\nmutation CompleteTask($id: ID!) {\n  completeTask(id: $id) {\n    id\n    status\n    completedAt\n  }\n}": types.CreateTaskDocument,
    "query Viewer {\n  viewer {\n    userId\n    workspaces {\n      id\n      name\n      slug\n      myRole\n    }\n    member {\n      id\n      name\n      role\n    }\n  }\n}": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ContactList($first: Int = 30, $after: String, $filter: ContactFilter) {\n  contacts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        name\n        email\n        company\n        tags\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ContactPage($id: ID!) {\n  contact(id: $id) {\n    id\n    name\n    email\n    company\n    jobTitle\n    relatedTasks(first: 20) {\n      edges {\n        node {\n          id\n          title\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ContactList($first: Int = 30, $after: String, $filter: ContactFilter) {\n  contacts(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        name\n        email\n        company\n        tags\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery ContactPage($id: ID!) {\n  contact(id: $id) {\n    id\n    name\n    email\n    company\n    jobTitle\n    relatedTasks(first: 20) {\n      edges {\n        node {\n          id\n          title\n          status\n          dueAt\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TaskBoard($first: Int = 50, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        id\n        title\n        status\n        priority\n        dueAt\n        assignee {\n          id\n          name\n        }\n        founder {\n          id\n          name\n        }\n        contact {\n          id\n          name\n          company\n        }\n        deal {\n          id\n          title\n          stage\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query TaskBoard($first: Int = 50, $after: String, $filter: TaskFilter) {\n  tasks(first: $first, after: $after, filter: $filter) {\n    edges {\n      cursor\n      node {\n        id\n        title\n        status\n        priority\n        dueAt\n        assignee {\n          id\n          name\n        }\n        founder {\n          id\n          name\n        }\n        contact {\n          id\n          name\n          company\n        }\n        deal {\n          id\n          title\n          stage\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    id\n    title\n    status\n    priority\n    dueAt\n  }\n}\n\nmutation CompleteTask($id: ID!) {\n  completeTask(id: $id) {\n    id\n    status\n    completedAt\n  }\n}"): (typeof documents)["mutation CreateTask($input: CreateTaskInput!) {\n  createTask(input: $input) {\n    id\n    title\n    status\n    priority\n    dueAt\n  }\n}\n\nmutation CompleteTask($id: ID!) {\n  completeTask(id: $id) {\n    id\n    status\n    completedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    userId\n    workspaces {\n      id\n      name\n      slug\n      myRole\n    }\n    member {\n      id\n      name\n      role\n    }\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    userId\n    workspaces {\n      id\n      name\n      slug\n      myRole\n    }\n    member {\n      id\n      name\n      role\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;