import { loadById, withRows, type SearchFields, type SubgraphContext } from '@chief/runtime';
import { contacts } from './models/index.ts';

/** searchContacts and Contact.similarContacts: hybrid search over contacts (runtime's hybridSearch), each hit with its contact. */
export function coreSearchResolvers(search: SearchFields) {
  const withContacts = (ctx: SubgraphContext) => (hits: Awaited<ReturnType<SearchFields['search']>>) => withRows(hits, 'contact', (id) => loadById(ctx, contacts, id));
  return {
    Query: {
      searchContacts: (_: unknown, args: unknown, ctx: SubgraphContext) => search.search(ctx, args, ['CONTACT']).then(withContacts(ctx)),
    },
    Contact: {
      similarContacts: (contact: { id: string }, args: unknown, ctx: SubgraphContext) => search.similar(ctx, { type: 'CONTACT', id: contact.id }, args, ['CONTACT']).then(withContacts(ctx)),
    },
  };
}
