import { loadById, typeSearch, type SearchFields } from '@chief/runtime';
import { meetings, transcriptChunks } from './models/index.ts';

/** searchMeetings: hybrid search over transcript passages, each meeting once with its best passage. */
export function meetingsSearchResolvers(search: SearchFields) {
  const meetingSearch = typeSearch(search, 'MEETING', 'meeting', (ctx, id) => loadById(ctx, meetings, id), (ctx, id) => loadById(ctx, transcriptChunks, id));
  return { Query: { searchMeetings: meetingSearch.search } };
}
