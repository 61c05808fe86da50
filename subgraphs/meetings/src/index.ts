import { createSubgraphService, type SubgraphDeps, mergeResolvers, searchFieldsOf, subgraphTypeDefs } from '@chief/runtime';
import { meetingsResolvers } from './resolvers.ts';
import { meetingsSearchResolvers } from './searchResolvers.ts';

/** The meetings subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'changes', 'ingest', 'search');

/** Builds the meetings subgraph service (meetings, participants, transcripts; the calendar on core's founders and contacts). */
export function createMeetingsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'meetings', typeDefs, resolvers: mergeResolvers(meetingsResolvers, meetingsSearchResolvers(searchFieldsOf(deps))), ...deps });
}
export { ingestMeetings } from './domain/ingestMeetings.ts';
export { attachTranscript } from './domain/attachTranscript.ts';
