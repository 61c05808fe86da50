import { loadById, typeSearch, type SearchFields } from '@chief/runtime';
import { communications } from './models/index.ts';

/** searchCommunications and Communication.similar: hybrid search over communications, each hit with its communication. */
export function commsSearchResolvers(search: SearchFields) {
  const communicationSearch = typeSearch(search, 'COMMUNICATION', 'communication', (ctx, id) => loadById(ctx, communications, id));
  return { Query: { searchCommunications: communicationSearch.search }, Communication: { similar: communicationSearch.similar } };
}
