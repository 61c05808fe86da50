import { expect, inject } from 'vitest';
import { createSqlClient } from '@chief/db';
import { createEmbedder, createLogger, startSearchIndexer } from '@chief/runtime';
import { expectData, type ChiefClient, type Ids, type TestChief } from './startTestChief.ts';
import type { WorkspaceFixture } from '../../subgraphs/core/test/fixtures.ts';

/** What seedSearchCorpus made, by name. */
export interface SearchCorpus {
  contacts: Record<'ada' | 'grace' | 'linus', string>;
  communications: Record<'board' | 'lunch', string>;
  meeting: string;
  media: string;
  insight: string;
  /** Every entity id, for isolation checks. */
  all: Set<string>;
}

const hour = 3_600_000;

/**
 * A small workspace of every searchable type, made through the API: three contacts, two
 * communications, a meeting with a transcript, a recorded demo with one, and an insight. Investors
 * and the burn rate run through several of them, so one query finds entities of every domain.
 */
export async function seedSearchCorpus(client: ChiefClient, ws: WorkspaceFixture, tag: string): Promise<SearchCorpus> {
  const token = ws.users.owner.token;
  const made = expectData(await client.request<Ids<'ada' | 'grace' | 'linus' | 'insight'>>(
    `mutation($tag: String!) {
      ada: createContact(input: { name: "Ada Lovelace", company: "Analytical Engines", jobTitle: "Angel investor", tags: ["investor", $tag], notes: "Asks about our burn rate and runway every quarter; invests in fintech." }) { id }
      grace: createContact(input: { name: "Grace Hopper", company: "Navy", jobTitle: "Engineer", tags: ["engineering"], notes: "Compilers and developer tools; mentors our engineers." }) { id }
      linus: createContact(input: { name: "Linus Pauling", company: "Caltech", jobTitle: "Chemist", notes: "Vitamin research and crystal structures." }) { id }
      insight: createInsight(input: { kind: OTHER, title: "Burn rate rising", content: { summary: "Monthly burn grew 20% while revenue stayed flat; investors will ask about runway.", recommendations: ["Cut cloud spend"] }, confidence: 0.8 }) { id }
    }`,
    { tag }, { token },
  ));
  const received = new Date(Date.now() - hour).toISOString();
  const inbox = expectData(await client.request<{ ingestCommunications: { results: { communication: { id: string } }[] } }>(
    `mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { results { communication { id } } } }`,
    {
      items: [
        { platform: 'GMAIL', externalId: `${tag}-board`, direction: 'INBOUND', sender: { address: 'board@investors.test' }, subject: 'Board update: burn rate', content: 'The investors asked about our monthly burn and how much runway we have left before the next round.', receivedAt: received },
        { platform: 'GMAIL', externalId: `${tag}-lunch`, direction: 'INBOUND', sender: { address: 'friend@lunch.test' }, subject: 'Lunch on Friday?', content: 'Shall we get tacos near the office?', receivedAt: received },
      ],
    },
    { token },
  )).ingestCommunications.results.map((r) => r.communication.id);
  const meeting = expectData(await client.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
    'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { results { meeting { id } } } }',
    { items: [{ platform: 'ZOOM', externalId: `${tag}-investor-sync`, title: 'Investor sync', startTime: new Date(Date.now() - 3 * hour).toISOString(), endTime: new Date(Date.now() - 2 * hour).toISOString() }] },
    { token },
  )).ingestMeetings.results[0]!.meeting.id;
  const media = expectData(await client.request<{ ingestMediaAssets: { results: { mediaAsset: { id: string } }[] } }>(
    `mutation($transcripts: [TranscriptInput!]!, $assets: [MediaAssetInput!]!) {
      attachTranscript(items: $transcripts) { created }
      ingestMediaAssets(items: $assets) { results { mediaAsset { id } } }
    }`,
    {
      transcripts: [{
        meetingId: meeting,
        chunks: [
          { speaker: 'Ada', startSeconds: 0, endSeconds: 30, text: 'We went through the hiring plan for two more engineers.' },
          { speaker: 'Ada', startSeconds: 30, endSeconds: 60, text: 'The investors worry that our burn is too high for the runway we have.' },
        ],
      }],
      assets: [{
        platform: 'LOOM', externalId: `${tag}-demo`, kind: 'VIDEO', title: 'Onboarding demo', url: 'https://www.loom.com/share/demo', recordedAt: received,
        transcript: { summary: 'A tour', chunks: [{ startSeconds: 0, endSeconds: 20, text: 'A walkthrough of the onboarding flow for new customers.' }] },
      }],
    },
    { token },
  )).ingestMediaAssets.results[0]!.mediaAsset.id;
  const corpus = {
    contacts: { ada: made.ada.id, grace: made.grace.id, linus: made.linus.id },
    communications: { board: inbox[0]!, lunch: inbox[1]! },
    meeting,
    media,
    insight: made.insight.id,
  };
  return { ...corpus, all: new Set([...Object.values(corpus.contacts), ...Object.values(corpus.communications), meeting, media, made.insight.id]) };
}

export interface IndexStatus {
  embedder: { id: string; kind: string; dimensions: number };
  embedded: number;
  pending: number;
  failed: number;
  types: { type: string; embedded: number; pending: number; failed: number; lastEmbeddedAt: string | null }[];
}

export const STATUS_FIELDS = 'embedder { id kind dimensions } embedded pending failed types { type embedded pending failed lastEmbeddedAt }';

/** Waits until the workspace's search index has nothing pending (the worker embedded it all), and returns its status. */
export async function indexDrained(client: ChiefClient, token: string, timeoutMs = 60_000): Promise<IndexStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { searchIndexStatus } = expectData(await client.request<{ searchIndexStatus: IndexStatus }>(`{ searchIndexStatus { ${STATUS_FIELDS} } }`, {}, { token }));
    if (searchIndexStatus.pending === 0 && searchIndexStatus.embedded > 0) return searchIndexStatus;
    expect(Date.now(), `the search index still has ${searchIndexStatus.pending} rows pending`).toBeLessThan(until);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The search worker for some workspaces only, on a pool of its own, with the test Chief's
 * embedder. Suites share one database, so a worker of every workspace would embed (and write
 * events into) other suites' workspaces while they run.
 */
export async function startTestIndexer(chief: TestChief, workspaceIds: string[]): Promise<{ stop(): Promise<void> }> {
  const embedded = inject('databaseEmbedded');
  const sql = createSqlClient(inject('databaseUrl'), { embedded, max: 3 });
  const indexer = await startSearchIndexer({
    sql, embedded, workspaceIds, logger: createLogger('worker', 'silent'), embedder: createEmbedder(chief.config.embeddings), sweepMs: 200, pollSeconds: 0.5,
  });
  return {
    async stop() {
      await indexer.stop();
      await sql.end();
    },
  };
}
