import { API_KEY_ENDPOINT, createApiKeySigner, createSecretBox, createSubgraphService, type SubgraphDeps, mergeResolvers, searchFieldsOf, subgraphTypeDefs } from '@chief/runtime';
import { createCoreResolvers } from './resolvers.ts';
import { coreSearchResolvers } from './searchResolvers.ts';
import { authenticateApiKey } from './domain/apiKeys.ts';

/** The core subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'changes', 'search');

/** Builds the core subgraph service (workspaces, members, founders, contacts, deals, integrations, API keys). */
export function createCoreSubgraph(deps: SubgraphDeps) {
  const apiKeySigner = createApiKeySigner(deps.config.apiKeySecret);
  return createSubgraphService({
    name: 'core',
    typeDefs,
    resolvers: mergeResolvers(createCoreResolvers({ secretBox: createSecretBox(deps.config.encryptionKey), apiKeySigner }), coreSearchResolvers(searchFieldsOf(deps))),
    // Its secret is shown once and stored only as a hash, so no idempotency key keeps the answer.
    secretMutations: ['createApiKey'],
    gatewayEndpoints: {
      [API_KEY_ENDPOINT]: async (body) => ({ apiKey: await authenticateApiKey(deps.sql, apiKeySigner, String((body as { key?: unknown } | null)?.key ?? '')) }),
    },
    ...deps,
  });
}

export { hashApiKey, type ApiKeyAuthentication } from './domain/apiKeys.ts';
// Domain functions, for the demo data and for background work that runs outside GraphQL.
export { createWorkspace } from './domain/workspaces.ts';
export { inviteMember } from './domain/members.ts';
export { createFounder } from './domain/founders.ts';
export { createContact } from './domain/contacts.ts';
export { createDeal } from './domain/deals.ts';
export { recordContactInterest, relateContacts } from './domain/contactGraph.ts';
