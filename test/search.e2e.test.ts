import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { indexDrained, seedSearchCorpus, startTestIndexer, type IndexStatus, type SearchCorpus } from './support/searchCorpus.ts';
import { connectSubscriptions, latestLogCursor } from './support/subscriptionClient.ts';

interface Hit {
  type: string;
  id: string;
  score: number;
  similarity: number | null;
  textRank: number | null;
  matchedBy: string[];
  matchedIn: string;
  snippet: string;
  embeddedBy: string | null;
  passage: { id: string; speaker: string | null; startSeconds: number | null } | null;
  node: { __typename: string; id: string; [field: string]: unknown } | null;
}

const HIT = 'type id score similarity textRank matchedBy matchedIn snippet embeddedBy passage { id speaker startSeconds }';
// Each node with fields of its owning subgraph and of others (Contact.communications is comms', Meeting.founder core's).
const NODE = `node {
  __typename
  ... on Contact { id name company communications(first: 1) { edges { node { id } } } }
  ... on Communication { id subject founder { id } }
  ... on Meeting { id title transcript { id } }
  ... on MediaAsset { id title }
  ... on Insight { id title }
}`;
const SEARCH = `query($q: String!, $types: [SearchType!], $first: Int, $minScore: Float, $filters: SearchFilters) {
  search(query: $q, types: $types, first: $first, minScore: $minScore, filters: $filters) { ${HIT} ${NODE} }
}`;

describe('search', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let corpusA: SearchCorpus;
  let corpusB: SearchCorpus;
  let status: IndexStatus;
  let indexer: { stop(): Promise<void> };

  const search = async (token: string, variables: Record<string, unknown>) => expectData(await chief.request<{ search: Hit[] }>(SEARCH, variables, { token })).search;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    a = await createWorkspaceFixture(chief, 'Search A');
    b = await createWorkspaceFixture(chief, 'Search B');
    indexer = await startTestIndexer(chief, [a.id, b.id]);
    corpusA = await seedSearchCorpus(chief, a, 'a');
    corpusB = await seedSearchCorpus(chief, b, 'b');
    status = await indexDrained(chief, a.users.owner.token);
    await indexDrained(chief, b.users.owner.token);
  }, 120_000);
  afterAll(async () => {
    await indexer?.stop();
    await sql?.end();
    await chief?.stop();
  });

  it('embeds every new row in the background and says by which embedder, per type', () => {
    expect(status.embedder).toEqual({ id: 'local:lexical-v1', kind: 'LEXICAL', dimensions: 1536 });
    // 3 contacts (plus none of the fixture's), 2 communications, 2 transcript passages, 1 media passage, 1 insight.
    expect(Object.fromEntries(status.types.map((t) => [t.type, [t.embedded, t.pending, t.failed]]))).toEqual({
      CONTACT: [3, 0, 0], COMMUNICATION: [2, 0, 0], MEETING: [2, 0, 0], MEDIA: [1, 0, 0], INSIGHT: [1, 0, 0],
    });
    expect(status.types.every((t) => t.lastEmbeddedAt !== null)).toBe(true);
  });

  it('finds entities of every domain for one query, resolved by their own subgraphs, best first on one scale', async () => {
    const hits = await search(a.users.owner.token, { q: 'investors burn runway', first: 20 });
    const types = new Set(hits.map((h) => h.node?.__typename));
    expect(types).toEqual(new Set(['Contact', 'Communication', 'Meeting', 'Insight']));
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((x, y) => y - x));
    for (const hit of hits) {
      expect(hit.score).toBeGreaterThan(0);
      expect(hit.score).toBeLessThanOrEqual(1);
      expect(hit.node?.id).toBe(hit.id);
      expect(corpusA.all.has(hit.id)).toBe(true);
      expect(hit.snippet.length).toBeGreaterThan(0);
      expect(hit.embeddedBy).toBe('local:lexical-v1');
    }
    const ada = hits.find((h) => h.id === corpusA.contacts.ada)!;
    expect(ada.node).toMatchObject({ name: 'Ada Lovelace', company: 'Analytical Engines', communications: { edges: [] } });
    expect(ada.matchedBy).toEqual(['VECTOR', 'TEXT']);
    expect(ada.matchedIn).toBe('notes');
    const meeting = hits.find((h) => h.type === 'MEETING')!;
    expect(meeting.node).toMatchObject({ id: corpusA.meeting, title: 'Investor sync', transcript: { id: expect.any(String) } });
    // The passage that matched, and where it is in the recording.
    expect(meeting.passage).toMatchObject({ speaker: 'Ada', startSeconds: 30 });
    expect(meeting.snippet).toContain('burn');
    expect(hits.find((h) => h.type === 'COMMUNICATION')!.node).toMatchObject({ id: corpusA.communications.board, subject: 'Board update: burn rate' });
    // Tacos and chemistry share no word with the query: not found.
    expect(hits.map((h) => h.id)).not.toContain(corpusA.communications.lunch);
    expect(hits.map((h) => h.id)).not.toContain(corpusA.contacts.linus);
  });

  it('filters by types, minScore and founder, and checks its arguments', async () => {
    const token = a.users.owner.token;
    const all = await search(token, { q: 'investors burn runway', first: 20 });
    const some = await search(token, { q: 'investors burn runway', types: ['INSIGHT', 'MEETING'], first: 20 });
    expect(new Set(some.map((h) => h.type))).toEqual(new Set(['INSIGHT', 'MEETING']));
    expect(some.map((h) => h.id)).toEqual(all.filter((h) => h.type === 'INSIGHT' || h.type === 'MEETING').map((h) => h.id));
    const threshold = (all[0]!.score + all[all.length - 1]!.score) / 2;
    const strong = await search(token, { q: 'investors burn runway', minScore: threshold, first: 20 });
    expect(strong.length).toBeGreaterThan(0);
    expect(strong.length).toBeLessThan(all.length);
    expect(strong.map((h) => h.id)).toEqual(all.filter((h) => h.score >= threshold).map((h) => h.id));
    expect(await search(token, { q: 'investors burn runway', first: 2 })).toHaveLength(2);
    expect(await search(token, { q: 'investors burn runway', first: 0 })).toEqual([]);
    // No communication, contact or insight has a founder here; a future window finds nothing.
    expect(await search(token, { q: 'investors burn runway', filters: { founderId: a.founderId } })).toEqual([]);
    expect(await search(token, { q: 'investors burn runway', filters: { since: new Date(Date.now() + 3_600_000).toISOString() } })).toEqual([]);

    for (const [variables, field] of [
      [{ q: '   ' }, 'query'],
      [{ q: 'x'.repeat(1001) }, 'query'],
      [{ q: 'burn', first: 51 }, 'first'],
      [{ q: 'burn', first: -1 }, 'first'],
      [{ q: 'burn', minScore: 1.5 }, 'minScore'],
      [{ q: 'burn', types: [] }, 'types'],
      [{ q: 'burn', types: Array.from({ length: 6 }, () => 'CONTACT') }, 'types'],
      [{ q: 'burn', filters: { founderId: 'nope' } }, 'filters.founderId'],
      [{ q: 'burn', filters: { since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' } }, 'filters.until'],
    ] as const) {
      expect(errorOf(await chief.request(SEARCH, variables, { token })), JSON.stringify(variables)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    // Words that only the full-text parser reads as operators are words, not errors.
    expect(await search(token, { q: '"burn rate" -tacos OR (runway' })).not.toHaveLength(0);
    // Nor is anything else a careless client types: each answers hits or none, never an error.
    for (const q of ['-', '-runway', '--', '"', '\\', "'; drop table core.contacts; --", 'a & b | !c <-> d:*', '-"unclosed', '"pre -seed" round', 'x'.repeat(1000), '🚀 burn']) {
      expect(Array.isArray(await search(token, { q })), q).toBe(true);
    }
    // A type named twice is searched once: the same hits and scores.
    const contacts = await search(token, { q: 'investors burn runway', types: ['CONTACT'], first: 20 });
    expect(await search(token, { q: 'investors burn runway', types: ['CONTACT', 'CONTACT', 'CONTACT'], first: 20 })).toEqual(contacts);
  });

  it('leaves out what the query excludes, by words and by meaning', async () => {
    const token = a.users.owner.token;
    const ids = async (q: string) => (await search(token, { q, first: 50 })).map((h) => h.id);
    // The board update, Ada's notes, the insight and the meeting's second passage talk of runway.
    expect(await ids('investors burn')).toEqual(expect.arrayContaining([corpusA.communications.board, corpusA.insight, corpusA.meeting, corpusA.contacts.ada]));
    const without = await ids('investors burn -runway');
    expect(without).not.toContain(corpusA.communications.board);
    expect(without).not.toContain(corpusA.insight);
    expect(without).not.toContain(corpusA.contacts.ada);
    expect(without).not.toContain(corpusA.meeting);
    // Grace mentors engineers; the meeting's passage on engineers is about hiring.
    expect(await ids('engineers')).toEqual(expect.arrayContaining([corpusA.contacts.grace, corpusA.meeting]));
    const notHiring = await ids('engineers -hiring');
    expect(notHiring).toContain(corpusA.contacts.grace);
    expect(notHiring).not.toContain(corpusA.meeting);
    expect(await ids('-"next round" board update burn')).not.toContain(corpusA.communications.board);
    // An excluded word in any passage of a meeting excludes the meeting, though another passage matches.
    expect(await ids('hiring engineers')).toContain(corpusA.meeting);
    expect(await ids('hiring engineers -runway')).not.toContain(corpusA.meeting);
  });

  it('has a search field per type and "more like this" fields on entities', async () => {
    const token = a.users.owner.token;
    const data = expectData(await chief.request<Record<string, { score: number; matchedBy: string[]; [k: string]: unknown }[]>>(
      `query($ada: ID!, $board: ID!) {
        contacts: searchContacts(query: "fintech investor") { score matchedBy matchedIn contact { id name } }
        communications: searchCommunications(query: "runway before the next round") { score matchedIn communication { id subject } }
        meetings: searchMeetings(query: "hiring engineers") { score snippet meeting { id title } passage { speaker startSeconds text } }
        media: searchMedia(query: "onboarding walkthrough") { score mediaAsset { id title } passage { text } }
        insights: searchInsights(query: "cloud spend") { score matchedIn insight { id title } }
        similarToAda: contact(id: $ada) { similarContacts(first: 5) { score similarity matchedBy contact { id } } }
        similarToBoard: communication(id: $board) { similar { communication { id } } }
      }`,
      { ada: corpusA.contacts.ada, board: corpusA.communications.board },
      { token },
    ));
    expect(data.contacts![0]).toMatchObject({ matchedBy: ['VECTOR', 'TEXT'], matchedIn: expect.stringMatching(/^(jobTitle|tags|notes)$/), contact: { id: corpusA.contacts.ada, name: 'Ada Lovelace' } });
    expect(data.communications![0]).toMatchObject({ matchedIn: 'content', communication: { id: corpusA.communications.board } });
    expect(data.meetings).toEqual([expect.objectContaining({ meeting: { id: corpusA.meeting, title: 'Investor sync' }, passage: { speaker: 'Ada', startSeconds: 0, text: expect.stringContaining('hiring plan') } })]);
    expect(data.media).toEqual([expect.objectContaining({ mediaAsset: { id: corpusA.media, title: 'Onboarding demo' } })]);
    expect(data.insights).toEqual([expect.objectContaining({ matchedIn: 'recommendations', insight: { id: corpusA.insight, title: 'Burn rate rising' } })]);
    const similar = (data.similarToAda as unknown as { similarContacts: { score: number; similarity: number; matchedBy: string[]; contact: { id: string } }[] }).similarContacts;
    expect(similar.map((h) => h.contact.id)).not.toContain(corpusA.contacts.ada);
    for (const hit of similar) expect(hit).toMatchObject({ matchedBy: ['VECTOR'], score: hit.similarity });
    expect((data.similarToBoard as unknown as { similar: { communication: { id: string } }[] }).similar.map((h) => h.communication.id)).not.toContain(corpusA.communications.board);

    const related = expectData(await chief.request<{ meeting: { relatedContext: Hit[] } }>(
      `query($id: ID!) { meeting(id: $id) { relatedContext(first: 10) { ${HIT} ${NODE} } } }`, { id: corpusA.meeting }, { token },
    )).meeting.relatedContext;
    expect(related.map((h) => h.id)).not.toContain(corpusA.meeting);
    expect(related.map((h) => h.id)).toContain(corpusA.communications.board);
    expect(related.every((h) => corpusA.all.has(h.id) && h.node !== null)).toBe(true);
  });

  it('re-embeds a changed contact: found by its new text, not its old', async () => {
    const token = a.users.owner.token;
    const contacts = async (q: string) =>
      expectData(await chief.request<{ searchContacts: { matchedBy: string[]; embeddedBy: string | null; contact: { id: string } }[] }>(
        `query($q: String!) { searchContacts(query: $q) { matchedBy embeddedBy contact { id } } }`, { q }, { token },
      )).searchContacts;
    const { id } = expectData(await chief.request<{ createContact: { id: string } }>(
      'mutation { createContact(input: { name: "Mary Somerville", notes: "Writes about astronomy and the tides." }) { id } }', {}, { token },
    )).createContact;
    await indexDrained(chief, token);
    expect((await contacts('astronomy tides')).find((h) => h.contact.id === id)).toMatchObject({ matchedBy: ['VECTOR', 'TEXT'] });
    const [before] = await sql.unsafe<{ embedded_at: Date }[]>(`select embedded_at from core.contacts where id = ${literal(id)}`);

    expectData(await chief.request('mutation($id: ID!) { updateContact(id: $id, input: { notes: "Sails regattas on weekends." }) { id } }', { id }, { token }));
    // Its words are searchable at once; its vector was cleared with the change and is made again.
    await indexDrained(chief, token);
    const [after] = await sql.unsafe<{ embedded_at: Date; updated_at: Date }[]>(`select embedded_at, updated_at from core.contacts where id = ${literal(id)}`);
    expect(after!.embedded_at.getTime()).toBeGreaterThan(before!.embedded_at.getTime());
    expect(after!.embedded_at.getTime()).toBeGreaterThanOrEqual(after!.updated_at.getTime());
    expect((await contacts('sailing regattas weekends')).find((h) => h.contact.id === id)).toMatchObject({ matchedBy: ['VECTOR', 'TEXT'], embeddedBy: 'local:lexical-v1' });
    expect((await contacts('astronomy tides')).map((h) => h.contact.id)).not.toContain(id);
  });

  it('makes again a vector another embedder made (a change of embedders)', async () => {
    const token = a.users.owner.token;
    await sql.unsafe(`update core.contacts set embedding_model = 'openai:an-older-model' where id = ${literal(corpusA.contacts.linus)}`);
    await indexDrained(chief, token);
    const [row] = await sql.unsafe<{ model: string }[]>(`select embedding_model as model from core.contacts where id = ${literal(corpusA.contacts.linus)}`);
    expect(row!.model).toBe('local:lexical-v1');
  });

  it('shows the backlog draining live', async () => {
    const token = a.users.owner.token;
    const after = await latestLogCursor(chief, token);
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${token}` });
    type Change = { searchIndexStatusChanged: { type: string; embedded: number; failed: number; status: { pending: number; embedded: number } } };
    try {
      const live = client.watch<Change>('subscription($after: String) { searchIndexStatusChanged(after: $after) { type embedded failed cursor status { pending embedded } } }', { after });
      const mutations = Array.from({ length: 5 }, (_, i) => `c${i}: createContact(input: { name: "Live ${i}", notes: "Drains the backlog ${i}" }) { id }`);
      expectData(await chief.request(`mutation { ${mutations.join('\n')} }`, {}, { token }));
      const changes = () => live.results.map((r) => r.data!.searchIndexStatusChanged);
      while (changes().reduce((n, c) => n + c.embedded, 0) < 5) await live.until(live.results.length + 1, 20_000);
      expect(changes().every((c) => c.type === 'CONTACT' && c.failed === 0)).toBe(true);
      expect(changes().reduce((n, c) => n + c.embedded, 0)).toBe(5);
      expect(changes().at(-1)!.status.pending).toBe(0);
      live.stop();
    } finally {
      await client.dispose();
    }
  });

  it('never returns another workspace\'s rows, and a viewer or read key gets only what they can read', async () => {
    const hitsB = await search(b.users.owner.token, { q: 'investors burn runway', first: 50 });
    expect(hitsB.length).toBeGreaterThan(0);
    expect(hitsB.every((h) => corpusB.all.has(h.id) && !corpusA.all.has(h.id))).toBe(true);
    // A's member naming B's workspace is refused before anything is searched.
    const crossed = await chief.request(SEARCH, { q: 'burn' }, { token: a.users.member.token, workspaceId: b.id });
    expect(errorOf(crossed).code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);

    const viewer = a.users.viewer.token;
    const seen = await search(viewer, { q: 'investors burn runway', first: 50 });
    expect(seen.map((h) => h.id)).toEqual((await search(a.users.owner.token, { q: 'investors burn runway', first: 50 })).map((h) => h.id));
    // Everything a viewer is shown, the viewer can read by id.
    for (const hit of seen) {
      const field = { Contact: 'contact', Communication: 'communication', Meeting: 'meeting', MediaAsset: 'mediaAsset', Insight: 'insight' }[hit.node!.__typename]!;
      expect(expectData(await chief.request<Record<string, { id: string }>>(`query($id: ID!) { ${field}(id: $id) { id } }`, { id: hit.id }, { token: viewer }))[field]).toEqual({ id: hit.id });
    }
    expect(errorOf(await chief.request('mutation { createContact(input: { name: "Viewer" }) { id } }', {}, { token: viewer })).code).toBe('FORBIDDEN');

    // A read-only API key searches what its workspace holds, and nothing of B's.
    const { createApiKey } = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Search dashboard", scopes: [READ] }) { secret } }', {}, { token: a.users.owner.token }));
    const byKey = expectData(await chief.request<{ search: Hit[] }>(SEARCH, { q: 'investors burn runway', first: 50 }, { headers: { 'x-api-key': createApiKey.secret } })).search;
    expect(byKey.length).toBeGreaterThan(0);
    expect(byKey.map((h) => h.id)).toEqual((await search(a.users.owner.token, { q: 'investors burn runway', first: 50 })).map((h) => h.id));
    expect(byKey.some((h) => corpusB.all.has(h.id))).toBe(false);
  });

  it('leaves archived contacts and communications out unless asked for', async () => {
    const token = a.users.owner.token;
    const made = expectData(await chief.request<{ c: { id: string }; ingestCommunications: { results: { communication: { id: string } }[] } }>(
      `mutation {
        c: createContact(input: { name: "Caroline Herschel", notes: "Comet hunter, archived soon." }) { id }
        ingestCommunications(items: [{ platform: GMAIL, externalId: "comet-note", direction: INBOUND, sender: { address: "comet@sky.test" }, subject: "Comet sighting", content: "A comet hunter wrote about the sighting.", receivedAt: "2026-11-01T00:00:00Z" }]) { results { communication { id } } }
      }`, {}, { token },
    ));
    const contact = made.c.id;
    const message = made.ingestCommunications.results[0]!.communication.id;
    await indexDrained(chief, token);
    const found = async (filters?: Record<string, unknown>) => (await search(token, { q: 'comet hunter', types: ['CONTACT', 'COMMUNICATION'], filters })).map((h) => h.id);
    expect(await found()).toEqual(expect.arrayContaining([contact, message]));
    expectData(await chief.request('mutation($c: ID!, $m: ID!) { updateContact(id: $c, input: { isArchived: true }) { id } archiveCommunication(id: $m) { id } }', { c: contact, m: message }, { token }));
    expect(await found()).toEqual([]);
    expect(await found({ includeArchived: true })).toEqual(expect.arrayContaining([contact, message]));
  });

  it('ranks a meeting once however many of its passages match, on the scale of the other types', async () => {
    const token = a.users.owner.token;
    const { ingestMeetings } = expectData(await chief.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
      'mutation { ingestMeetings(items: [{ platform: ZOOM, externalId: "long-standup", title: "Long standup", startTime: "2026-11-02T09:00:00Z", endTime: "2026-11-02T10:00:00Z" }]) { results { meeting { id } } } }', {}, { token },
    ));
    const long = ingestMeetings.results[0]!.meeting.id;
    const chunks = Array.from({ length: 60 }, (_, i) => ({ speaker: 'Grace', startSeconds: i * 10, endSeconds: i * 10 + 10, text: `Telescope mirrors, part ${i}: the telescope mirrors again.` }));
    expectData(await chief.request('mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { created } }', { items: [{ meetingId: long, chunks }] }, { token }));
    const { ingestMeetings: short } = expectData(await chief.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
      'mutation { ingestMeetings(items: [{ platform: ZOOM, externalId: "short-call", title: "Short call", startTime: "2026-11-03T09:00:00Z", endTime: "2026-11-03T09:10:00Z" }]) { results { meeting { id } } } }', {}, { token },
    ));
    const brief = short.results[0]!.meeting.id;
    expectData(await chief.request('mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { created } }', { items: [{ meetingId: brief, chunks: [{ speaker: 'Ada', startSeconds: 0, endSeconds: 5, text: 'Someone mentioned telescope mirrors once.' }] }] }, { token }));
    const { createContact } = expectData(await chief.request<{ createContact: { id: string } }>(
      'mutation { createContact(input: { name: "Henrietta Leavitt", notes: "Grinds telescope mirrors." }) { id } }', {}, { token },
    ));
    await indexDrained(chief, token);
    const hits = await search(token, { q: 'telescope mirrors', types: ['MEETING'], first: 10 });
    expect(hits.map((h) => h.id)).toEqual(expect.arrayContaining([long, brief]));
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    // A hit first in both rankings scores 1 whatever its type: here the long meeting, by its best passage.
    expect(hits[0]).toMatchObject({ id: long, score: 1, matchedBy: ['VECTOR', 'TEXT'] });
    // Across types the contact ranks among the first few entities in both rankings, as it would
    // against one passage per meeting: the long meeting's 59 other passages do not push it down.
    const across = await search(token, { q: 'telescope mirrors', types: ['MEETING', 'CONTACT'], first: 10 });
    expect(new Set(across.map((h) => h.id)).size).toBe(across.length);
    expect(across.find((h) => h.id === createContact.id)).toMatchObject({ matchedBy: ['VECTOR', 'TEXT'] });
    expect(across.find((h) => h.id === createContact.id)!.score).toBeGreaterThan(0.9);
  });
});
