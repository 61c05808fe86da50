import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps, createEmbedder, createSearchFields, mergeResolvers } from '@chief/runtime';
import { meetingsResolvers } from './resolvers.ts';
import { meetingsSearchResolvers } from './searchResolvers.ts';

/** The meetings subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the meetings subgraph service (meetings, participants, transcripts; the calendar on core's founders and contacts). */
export function createMeetingsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'meetings', typeDefs, resolvers: mergeResolvers(meetingsResolvers, meetingsSearchResolvers(createSearchFields(createEmbedder(deps.config.embeddings)))), ...deps });
}
export { ingestMeetings } from './domain/ingestMeetings.ts';
export { attachTranscript } from './domain/attachTranscript.ts';
