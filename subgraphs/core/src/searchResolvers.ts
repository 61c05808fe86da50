import { loadById, typeSearch, type SearchFields } from '@chief/runtime';
import { contacts } from './models/index.ts';

/** searchContacts and Contact.similarContacts: hybrid search over contacts (runtime's hybridSearch), each hit with its contact. */
export function coreSearchResolvers(search: SearchFields) {
  const contactSearch = typeSearch(search, 'CONTACT', 'contact', (ctx, id) => loadById(ctx, contacts, id));
  return { Query: { searchContacts: contactSearch.search }, Contact: { similarContacts: contactSearch.similar } };
}
