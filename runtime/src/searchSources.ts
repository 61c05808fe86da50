/**
 * The five searchable tables of seed 000, as search and the embedding worker read them. Each
 * expression is SQL over the table's row `r`. The table belongs to its domain's subgraph; this
 * is the part of it search reads, in one place, so cross-domain search can rank every domain in
 * one statement (as the morning brief reads several) under the caller's row-level security.
 */
export type SearchType = 'CONTACT' | 'COMMUNICATION' | 'MEETING' | 'MEDIA' | 'INSIGHT';

export const SEARCH_TYPES: readonly SearchType[] = ['CONTACT', 'COMMUNICATION', 'MEETING', 'MEDIA', 'INSIGHT'];

export interface SearchSource {
  type: SearchType;
  /** `schema.table`. */
  table: string;
  /** What the backlog and the index's events call it (the table's name). */
  name: string;
  /** The GraphQL entity a hit resolves to, and its id for the row (a chunk's meeting or asset). */
  entity: { typename: string; id: string };
  /** The text the row's vector is made of. */
  embedText: string;
  /** Where a hit can match, in order of weight: the API's name for each part, and its text. */
  fields: readonly { name: string; text: string }[];
  /** The field a hit found by meaning alone is shown from. */
  bodyField: string;
  /** When the row's thing happened, for `since` and `until`. */
  occurredAt: string;
  /** The founder it belongs to, for `founderId`. */
  founderId: string;
  /** True for an archived row, left out of search unless asked for; null where nothing is archived. */
  archived: string | null;
  /** For a passage: where in its recording or document (JSON), else null. */
  passage: string | null;
  /** The rows of one entity, given the SQL of its id (a contact's row, a meeting's chunks). */
  rowsOf: (entityId: string) => string;
  /** For a table of passages, the column naming their entity's transcript: the rows `x` of the same entity as `r`. */
  siblingsOf: ((x: string) => string) | null;
}

const meetingOf = (r: string) => `(select t.meeting_id from meetings.transcripts t where t.id = ${r}.transcript_id)`;
const assetOf = (r: string) => `(select mt.media_id from media.media_transcripts mt where mt.id = ${r}.media_transcript_id)`;

export const searchSources: Record<SearchType, SearchSource> = {
  CONTACT: {
    type: 'CONTACT',
    table: 'core.contacts',
    name: 'contacts',
    entity: { typename: 'Contact', id: 'r.id' },
    embedText: `concat_ws(E'\\n', r.full_name, nullif(concat_ws(', ', r.job_title, r.company), ''), r.location, nullif(array_to_string(r.tags, ', '), ''), r.bio, r.notes)`,
    fields: [
      { name: 'name', text: 'r.full_name' },
      { name: 'jobTitle', text: 'r.job_title' },
      { name: 'company', text: 'r.company' },
      { name: 'location', text: 'r.location' },
      { name: 'tags', text: `array_to_string(r.tags, ', ')` },
      { name: 'bio', text: 'r.bio' },
      { name: 'notes', text: 'r.notes' },
    ],
    bodyField: 'bio',
    occurredAt: 'r.created_at',
    founderId: 'r.founder_id',
    archived: 'r.is_archived',
    passage: null,
    siblingsOf: null,
    rowsOf: (id) => `r.id = ${id}`,
  },
  COMMUNICATION: {
    type: 'COMMUNICATION',
    table: 'comms.communications',
    name: 'communications',
    entity: { typename: 'Communication', id: 'r.id' },
    embedText: `concat_ws(E'\\n', r.subject, r.content)`,
    fields: [
      { name: 'subject', text: 'r.subject' },
      { name: 'content', text: 'r.content' },
    ],
    bodyField: 'content',
    occurredAt: 'r.received_at',
    founderId: 'r.founder_id',
    archived: 'r.archived_at is not null',
    passage: null,
    siblingsOf: null,
    rowsOf: (id) => `r.id = ${id}`,
  },
  MEETING: {
    type: 'MEETING',
    table: 'meetings.transcript_chunks',
    name: 'transcript_chunks',
    entity: { typename: 'Meeting', id: meetingOf('r') },
    embedText: `concat_ws(': ', r.speaker, r.text)`,
    fields: [
      { name: 'transcript', text: 'r.text' },
      { name: 'speaker', text: 'r.speaker' },
    ],
    bodyField: 'transcript',
    occurredAt: `(select m.start_time from meetings.meetings m where m.id = ${meetingOf('r')})`,
    founderId: `(select m.founder_id from meetings.meetings m where m.id = ${meetingOf('r')})`,
    archived: null,
    passage: `json_build_object('id', r.id, 'position', r.position, 'speaker', r.speaker, 'startSeconds', r.start_seconds, 'endSeconds', r.end_seconds, 'page', null)`,
    siblingsOf: (x) => `${x}.transcript_id = r.transcript_id`,
    rowsOf: (id) => `r.transcript_id = (select t.id from meetings.transcripts t where t.meeting_id = ${id})`,
  },
  MEDIA: {
    type: 'MEDIA',
    table: 'media.media_chunks',
    name: 'media_chunks',
    entity: { typename: 'MediaAsset', id: assetOf('r') },
    embedText: `concat_ws(': ', r.speaker, r.text)`,
    fields: [
      { name: 'transcript', text: 'r.text' },
      { name: 'speaker', text: 'r.speaker' },
    ],
    bodyField: 'transcript',
    occurredAt: `(select a.recorded_at from media.media_assets a where a.id = ${assetOf('r')})`,
    founderId: `(select a.founder_id from media.media_assets a where a.id = ${assetOf('r')})`,
    archived: null,
    passage: `json_build_object('id', r.id, 'position', r.position, 'speaker', r.speaker, 'startSeconds', r.start_seconds, 'endSeconds', r.end_seconds, 'page', r.page)`,
    siblingsOf: (x) => `${x}.media_transcript_id = r.media_transcript_id`,
    rowsOf: (id) => `r.media_transcript_id = (select mt.id from media.media_transcripts mt where mt.media_id = ${id})`,
  },
  INSIGHT: {
    type: 'INSIGHT',
    table: 'intel.insights',
    name: 'insights',
    entity: { typename: 'Insight', id: 'r.id' },
    embedText: `concat_ws(E'\\n', r.title, r.content->>'summary', r.content->>'details', core.search_words(r.content->'recommendations'))`,
    fields: [
      { name: 'title', text: 'r.title' },
      { name: 'summary', text: `r.content->>'summary'` },
      { name: 'details', text: `r.content->>'details'` },
      { name: 'recommendations', text: `core.search_words(r.content->'recommendations')` },
    ],
    bodyField: 'summary',
    occurredAt: 'r.created_at',
    founderId: 'r.founder_id',
    archived: null,
    passage: null,
    siblingsOf: null,
    rowsOf: (id) => `r.id = ${id}`,
  },
};

export const sourceNamed = (name: string): SearchSource | undefined => Object.values(searchSources).find((s) => s.name === name);
