import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { connectSubscriptions, latestLogCursor } from './support/subscriptionClient.ts';

const INGEST = `mutation Ingest($items: [MeetingInput!]!, $syncJobId: ID) {
  ingestMeetings(items: $items, syncJobId: $syncJobId) {
    created updated unchanged failed
    results { index outcome meeting { id title durationMins } error { code field message } }
  }
}`;

const ATTACH = `mutation Attach($items: [TranscriptInput!]!) {
  attachTranscript(items: $items) {
    created updated unchanged failed
    results { index outcome transcript { id status chunkCount actionItems { id description priority dueDate } sopSteps { step title } } error { code field message } }
  }
}`;

const INGEST_MEDIA = `mutation IngestMedia($items: [MediaAssetInput!]!) {
  ingestMediaAssets(items: $items) {
    created updated unchanged failed
    results { index outcome mediaAsset { id title status author { contact { id } } transcript { summary chunkCount } } error { code field message } }
  }
}`;

type ItemResult<N> = { index: number; outcome: string | null; error: { code: string; field: string | null; message: string } | null } & N;
type Outcome<N> = { created: number; updated: number; unchanged: number; failed: number; results: ItemResult<N>[] };
interface MeetingNode { meeting: { id: string; title: string; durationMins: number } | null }
type Participants = { address: string | null; role: string; attendance: string; contact: { id: string; name: string } | null; member: { id: string } | null }[];
interface TranscriptNode { transcript: { id: string; status: string; chunkCount: number; actionItems: { id: string; description: string; priority: string | null; dueDate: string | null }[]; sopSteps: { step: number; title: string }[] } | null }
interface AssetNode { mediaAsset: { id: string; title: string; status: string; author: { contact: { id: string } | null } | null; transcript: { summary: string | null; chunkCount: number } | null } | null }

const HOUR = 3_600_000;
const NOW = Date.now();

/** A meeting held `hoursAgo` hours ago, an hour long; `n` makes it distinct. */
const meeting = (n: number, overrides: Record<string, unknown> = {}) => ({
  platform: 'ZOOM',
  externalId: `zoom-${n}`,
  title: `Investor sync ${n}`,
  startTime: new Date(NOW - (48 - n) * HOUR).toISOString(),
  endTime: new Date(NOW - (48 - n) * HOUR + 50 * 60_000).toISOString(),
  recordingUrl: `https://zoom.example.test/rec/${n}`,
  status: 'COMPLETED',
  participants: [
    { address: 'Ada@Example.test', name: 'Ada', role: 'ORGANIZER', attendance: 'ATTENDED' },
    { address: 'owner@alpha.test', name: 'Owner', attendance: 'ATTENDED' },
    { name: 'A guest' },
  ],
  ...overrides,
});

const chunks = (count: number, speaker = 'Ada') =>
  Array.from({ length: count }, (_, i) => ({ speaker, startSeconds: i * 20, endSeconds: i * 20 + 19.5, text: `Passage ${i}: the term sheet and the hiring plan.` }));

const transcript = (n: number, overrides: Record<string, unknown> = {}) => ({
  platform: 'ZOOM',
  meetingExternalId: `zoom-${n}`,
  status: 'COMPLETED',
  language: 'en',
  provider: 'fireflies',
  summary: `Meeting ${n}: terms agreed, hiring next.`,
  actionItems: [
    { description: 'Send the signed term sheet', assignee: 'owner@alpha.test', priority: 'HIGH', dueDate: '2026-12-10' },
    { description: 'Draft the hiring plan' },
  ],
  sopSteps: [{ title: 'Collect signatures' }, { title: 'File with counsel', owner: 'Owner' }],
  chunks: chunks(5),
  ...overrides,
});

describe('meetings and media: idempotent ingestion, transcripts and their pipeline', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let adaId: string;

  const ingest = (items: unknown[], token = ws.users.owner.token) =>
    chief.request<{ ingestMeetings: Outcome<MeetingNode> }>(INGEST, { items }, { token });
  const attach = (items: unknown[], token = ws.users.owner.token) =>
    chief.request<{ attachTranscript: Outcome<TranscriptNode> }>(ATTACH, { items }, { token });
  const ingestMedia = (items: unknown[], token = ws.users.owner.token) =>
    chief.request<{ ingestMediaAssets: Outcome<AssetNode> }>(INGEST_MEDIA, { items }, { token });
  const events = async (type: string) =>
    Number((await sql.unsafe(`select count(*)::int as n from ops.events where workspace_id = ${literal(ws.id)} and type = ${literal(type)}`))[0]!.n);
  const participantsOf = async (id: string) =>
    expectData(await chief.request<{ meeting: { participants: Participants } }>(
      'query($id: ID!) { meeting(id: $id) { participants { address role attendance contact { id name } member { id } } } }', { id }, { token: ws.users.viewer.token },
    )).meeting.participants;
  const meetingRows = () => sql.unsafe(`select * from meetings.meetings where workspace_id = ${literal(ws.id)} order by external_id`);
  /** Runs `statement` as the application role for the owner; says which constraint refused it, or 'accepted'. */
  const asApp = async (statement: string) => {
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(`select set_config('role', 'chief_app', true), set_config('chief.user_id', ${literal(ws.users.owner.userId)}, true), set_config('chief.workspace_id', ${literal(ws.id)}, true)`);
        await tx.unsafe(statement);
      });
      return 'accepted';
    } catch (error) {
      const e = error as { constraint_name?: string; code?: string; message?: string };
      return e.constraint_name ?? `${e.code}: ${e.message}`;
    }
  };

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Alpha');
    adaId = expectData(await chief.request<Ids<'createContact'>>(
      `mutation($f: ID) { createContact(input: { name: "Ada", email: "ada@example.test", founderId: $f }) { id } }`, { f: ws.founderId }, { token: ws.users.owner.token },
    )).createContact.id;
    await sql.unsafe(`update core.members set email = 'owner@alpha.test' where id = ${literal(ws.users.owner.memberId)}`);
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('writes a batch of meetings once, with participants matched to contacts and members, and the duration worked out', async () => {
    const batch = [0, 1, 2].map((n) => meeting(n, { founderId: ws.founderId }));
    const first = expectData(await ingest(batch)).ingestMeetings;
    expect(first).toMatchObject({ created: 3, updated: 0, unchanged: 0, failed: 0 });
    const made = first.results[0]!.meeting!;
    expect(made.durationMins).toBe(50);
    expect(await participantsOf(made.id)).toEqual([
      { address: 'Ada@Example.test', role: 'ORGANIZER', attendance: 'ATTENDED', contact: { id: adaId, name: 'Ada' }, member: null },
      { address: 'owner@alpha.test', role: 'ATTENDEE', attendance: 'ATTENDED', contact: null, member: { id: ws.users.owner.memberId } },
      { address: null, role: 'ATTENDEE', attendance: 'INVITED', contact: null, member: null },
    ]);
    const before = await meetingRows();
    const again = expectData(await ingest(batch)).ingestMeetings;
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect(again.results.map((r) => r.meeting!.id)).toEqual(first.results.map((r) => r.meeting!.id));
    expect(await meetingRows()).toEqual(before);
    expect(await events('meetings.meeting.ingested')).toBe(3);
    expect(await events('meetings.meeting.updated')).toBe(0);
  });

  it('updates a changed meeting with an update event naming what changed, its participants replaced', async () => {
    const changed = meeting(0, { founderId: ws.founderId, title: 'Investor sync, moved', participants: [{ address: 'ada@example.test', attendance: 'ATTENDED' }] });
    const result = expectData(await ingest([changed])).ingestMeetings;
    expect(result.results[0]).toMatchObject({ outcome: 'UPDATED', meeting: { title: 'Investor sync, moved' } });
    expect(await participantsOf(result.results[0]!.meeting!.id)).toMatchObject([{ address: 'ada@example.test', contact: { id: adaId } }]);
    const [event] = await sql.unsafe(`select payload from ops.events where workspace_id = ${literal(ws.id)} and type = 'meetings.meeting.updated'`);
    expect(event!.payload).toEqual({ changed: ['title', 'participants'], status: 'completed' });
    expect(expectData(await ingest([changed])).ingestMeetings.unchanged).toBe(1);
  });

  it('reports bad meetings by index and field and writes the others', async () => {
    const result = expectData(await ingest([
      meeting(10),
      meeting(11, { endTime: new Date(NOW - 48 * HOUR).toISOString(), startTime: new Date(NOW - 47 * HOUR).toISOString() }),
      meeting(12, { recordingUrl: 'javascript:alert(1)' }),
      meeting(13, { participants: [{ address: 'x@y.test' }, { address: 'X@y.test' }] }),
      meeting(14, { participants: [{ role: 'ATTENDEE' }] }),
      meeting(15, { status: 'COMPLETED', startTime: new Date(NOW + 48 * HOUR).toISOString(), endTime: new Date(NOW + 49 * HOUR).toISOString() }),
    ])).ingestMeetings;
    expect(result).toMatchObject({ created: 1, failed: 5 });
    expect(result.results.map((r) => r.error && [r.error.code, r.error.field])).toEqual([
      null,
      ['BAD_USER_INPUT', 'items.1.endTime'],
      ['BAD_USER_INPUT', 'items.2.recordingUrl'],
      ['BAD_USER_INPUT', 'items.3.participants.1.address'],
      ['BAD_USER_INPUT', 'items.4.participants.0.address'],
      ['BAD_USER_INPUT', 'items.5.startTime'],
    ]);
    expect((await meetingRows()).map((r) => r.external_id)).not.toContain('zoom-11');
  });

  it('refuses a batch over the maximum whole, and viewers and READ keys whatever they send', async () => {
    const before = (await meetingRows()).length;
    expect(errorOf(await ingest(Array.from({ length: 201 }, (_, n) => meeting(1000 + n))))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items' });
    expect(errorOf(await attach(Array.from({ length: 21 }, (_, n) => transcript(n))))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items' });
    const asset = (n: number) => ({ platform: 'LOOM', externalId: `loom-${1000 + n}`, kind: 'VIDEO', title: 'A video', url: 'https://www.loom.com/share/x', recordedAt: new Date(NOW).toISOString() });
    expect(errorOf(await ingestMedia(Array.from({ length: 51 }, (_, n) => asset(n))))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items' });
    expect((await meetingRows()).length).toBe(before);
    const key = expectData(await chief.request<{ createApiKey: { secret: string } }>(
      'mutation { createApiKey(input: { name: "R", scopes: [READ] }) { secret } }', {}, { token: ws.users.admin.token },
    )).createApiKey.secret;
    expect(errorOf(await ingest([meeting(30)], ws.users.viewer.token)).code).toBe('FORBIDDEN');
    expect(errorOf(await attach([transcript(1)], ws.users.viewer.token)).code).toBe('FORBIDDEN');
    expect(errorOf(await chief.request(INGEST_MEDIA, { items: [] }, { headers: { authorization: `Bearer ${key}` } })).code).toBe('FORBIDDEN');
    expect(expectData(await ingest([meeting(31)], ws.users.member.token)).ingestMeetings.created).toBe(1);
  });

  it('attaches a transcript with its chunks once, caused by its meeting ingestion, and pages its chunks in order', async () => {
    const first = expectData(await attach([transcript(1, { chunks: chunks(45) }), transcript(99)])).attachTranscript;
    expect(first, JSON.stringify(first.results.map((r) => r.error))).toMatchObject({ created: 1, failed: 1 });
    expect(first.results[1]!.error).toMatchObject({ code: 'NOT_FOUND', field: 'items.1.meetingExternalId' });
    const made = first.results[0]!.transcript!;
    expect(made).toMatchObject({ status: 'COMPLETED', chunkCount: 45, sopSteps: [{ step: 1, title: 'Collect signatures' }, { step: 2, title: 'File with counsel' }] });
    expect(made.actionItems[0]).toMatchObject({ description: 'Send the signed term sheet', priority: 'HIGH', dueDate: '2026-12-10' });
    const again = expectData(await attach([transcript(1, { chunks: chunks(45) })])).attachTranscript;
    expect(again.results[0]).toMatchObject({ outcome: 'UNCHANGED', transcript: { id: made.id, actionItems: made.actionItems } });
    expect(await events('meetings.transcript.attached')).toBe(1);

    const meetingId = (await meetingRows()).find((r) => r.external_id === 'zoom-1')!.id as string;
    const read = expectData(await chief.request<{ meeting: { transcript: { id: string; chunks: { edges: { node: { position: number; startSeconds: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }; history: { edges: { node: { type: string } }[] } } }>(
      `query($id: ID!, $after: String) { meeting(id: $id) { transcript { id chunks(first: 40, after: $after) { edges { node { position startSeconds } } pageInfo { hasNextPage endCursor } } } history { edges { node { type } } } } }`,
      { id: meetingId }, { token: ws.users.viewer.token },
    )).meeting;
    expect(read.transcript.chunks.edges.map((e) => e.node.position)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(read.transcript.chunks.pageInfo.hasNextPage).toBe(true);
    const rest = expectData(await chief.request<{ meeting: { transcript: { chunks: { edges: { node: { position: number } }[]; pageInfo: { hasNextPage: boolean } } } } }>(
      `query($id: ID!, $after: String) { meeting(id: $id) { transcript { chunks(first: 40, after: $after) { edges { node { position } } pageInfo { hasNextPage } } } } }`,
      { id: meetingId, after: read.transcript.chunks.pageInfo.endCursor }, { token: ws.users.viewer.token },
    )).meeting.transcript.chunks;
    expect(rest.edges.map((e) => e.node.position)).toEqual([40, 41, 42, 43, 44]);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    // Seed 000's flow: the transcript's event is caused by the meeting's ingestion.
    const [attached] = await sql.unsafe(`select id from ops.events where workspace_id = ${literal(ws.id)} and type = 'meetings.transcript.attached'`);
    const causes = expectData(await chief.request<{ event: { causes: { type: string; entityId: string }[] } }>(
      'query($id: ID!) { event(id: $id) { causes { type entityId } } }', { id: attached!.id }, { token: ws.users.owner.token },
    )).event.causes;
    expect(causes).toEqual([{ type: 'meetings.meeting.ingested', entityId: meetingId }]);
  });

  it('moves a transcript along its pipeline and refuses the steps it does not allow', async () => {
    const step = async (status: string, extra: Record<string, unknown> = {}) => (expectData(await attach([transcript(2, { status, chunks: [], ...extra })])).attachTranscript.results[0]!);
    expect(await step('PENDING')).toMatchObject({ outcome: 'CREATED', transcript: { status: 'PENDING' } });
    expect(await step('COMPLETED')).toMatchObject({ outcome: null, error: { code: 'CONFLICT', field: 'items.0.status' } });
    expect(await step('PROCESSING')).toMatchObject({ outcome: 'UPDATED', transcript: { status: 'PROCESSING' } });
    expect(await step('FAILED')).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'items.0.failureReason' } });
    expect(await step('FAILED', { failureReason: 'The recording is silent' })).toMatchObject({ outcome: 'UPDATED', transcript: { status: 'FAILED' } });
    // Sent again without a status: it stays failed, with its reason.
    const { status: _status, ...unstated } = transcript(2, { chunks: [], failureReason: undefined });
    expect(expectData(await attach([unstated])).attachTranscript.results[0]).toMatchObject({ outcome: 'UNCHANGED', transcript: { status: 'FAILED' } });
    expect(await step('PENDING')).toMatchObject({ outcome: 'UPDATED', transcript: { status: 'PENDING' } });
    expect(await step('PROCESSING')).toMatchObject({ outcome: 'UPDATED' });
    expect(await step('COMPLETED', { chunks: chunks(3) })).toMatchObject({ outcome: 'UPDATED', transcript: { status: 'COMPLETED', chunkCount: 3 } });
    expect(await step('PENDING')).toMatchObject({ error: { code: 'CONFLICT' } });
    // Each step of the pipeline is caused by the one before it.
    const [last] = await sql.unsafe(`select id from ops.events where workspace_id = ${literal(ws.id)} and type = 'meetings.transcript.updated' order by seq desc limit 1`);
    const causes = expectData(await chief.request<{ event: { causes: { type: string }[] } }>('query($id: ID!) { event(id: $id) { causes(depth: 2) { type } } }', { id: last!.id }, { token: ws.users.owner.token })).event.causes;
    expect(causes.map((c) => c.type)).toEqual(['meetings.transcript.updated', 'meetings.transcript.updated']);
  });

  it('lets a member attach no transcript to a meeting that is not theirs, and takes a meeting once per batch', async () => {
    const refused = expectData(await attach([transcript(10)], ws.users.member.token)).attachTranscript.results[0]!;
    expect(refused, JSON.stringify(refused.error)).toMatchObject({ outcome: null, error: { code: 'FORBIDDEN' } });
    expect(Number((await sql.unsafe(`select count(*)::int as n from meetings.transcripts t join meetings.meetings m on m.id = t.meeting_id where m.external_id = 'zoom-10'`))[0]!.n)).toBe(0);
    const meetingId = (await meetingRows()).find((r) => r.external_id === 'zoom-10')!.id as string;
    const twice = expectData(await attach([{ ...transcript(10), platform: undefined, meetingExternalId: undefined, meetingId }, transcript(10)])).attachTranscript;
    expect(twice.results.map((r) => r.outcome ?? r.error!.field)).toEqual(['CREATED', 'items.1.meetingExternalId']);
    // A chunk read back (its seconds as the database keeps them) and sent again is the same chunk.
    const odd = [{ speaker: 'Ada', startSeconds: 0.1 + 0.2, endSeconds: 1.0005, text: 'Odd seconds' }];
    expect(expectData(await attach([transcript(10, { chunks: odd })])).attachTranscript.results[0]!.outcome).toBe('UPDATED');
    const [chunk] = await sql.unsafe(`select start_seconds::float8 as s, end_seconds::float8 as e from meetings.transcript_chunks c join meetings.transcripts t on t.id = c.transcript_id where t.meeting_id = ${literal(meetingId)}`);
    const readBack = [{ speaker: 'Ada', startSeconds: chunk!.s, endSeconds: chunk!.e, text: 'Odd seconds' }];
    expect(expectData(await attach([transcript(10, { chunks: readBack })])).attachTranscript.results[0]!.outcome).toBe('UNCHANGED');
  });

  it('keeps what a re-sent item leaves out: a status, a transcript', async () => {
    const { status: _status, ...withoutStatus } = meeting(1, { founderId: ws.founderId });
    const again = expectData(await ingest([withoutStatus])).ingestMeetings.results[0]!;
    expect(again.outcome).toBe('UNCHANGED');
    expect((await meetingRows()).find((r) => r.external_id === 'zoom-1')!.status).toBe('completed');
    const updates = await events('meetings.meeting.updated');
    expect(expectData(await ingest([{ ...withoutStatus, title: 'Renamed' }])).ingestMeetings.results[0]!.outcome).toBe('UPDATED');
    expect((await meetingRows()).find((r) => r.external_id === 'zoom-1')!.status).toBe('completed');
    expect(await events('meetings.meeting.updated')).toBe(updates + 1);
  });

  it('holds duration, the status pipeline, time ranges and action items to the database, under the application role', async () => {
    const m = `meetings.meetings where workspace_id = ${literal(ws.id)} and external_id = 'zoom-2'`;
    expect(await asApp(`update ${m.replace(' where', ' set duration_mins = 5 where')}`)).toMatch(/^428C9|cannot update column "duration_mins"/);
    expect(await asApp(`update ${m.replace(' where', ` set end_time = start_time - interval '1 minute' where`)}`)).toBe('ck_meetings_time_range');
    expect(await asApp(`update ${m.replace(' where', ` set end_time = start_time + interval '25 hours' where`)}`)).toBe('ck_meetings_time_range');
    const [row] = await sql.unsafe(`select duration_mins from ${m}`);
    expect(row!.duration_mins).toBe(50);
    await asApp(`update ${m.replace(' where', ` set end_time = start_time + interval '90 minutes' where`)}`);
    expect((await sql.unsafe(`select duration_mins from ${m}`))[0]!.duration_mins).toBe(90);

    const t = `meetings.transcripts set %s where workspace_id = ${literal(ws.id)}`;
    const update = (set: string) => asApp(`update ${t.replace('%s', set)}`);
    expect(await update(`status = 'pending', completed_at = null`)).toMatch(/^CH409: transcripts: status cannot go from completed to pending/);
    expect(await update(`status = 'failed', completed_at = null`)).toMatch(/^CH409/);
    expect(await update(`failure_reason = 'x'`)).toBe('ck_transcripts_failure_reason');
    expect(await update(`completed_at = null`)).toBe('ck_transcripts_completed_at');
    expect(await update(`action_items = '[{"description": 1}]'`)).toBe('ck_transcripts_action_items');
    expect(await update(`action_items = '[{"description": "x", "priority": "someday"}]'`)).toBe('ck_transcripts_action_items');
    expect(await update(`action_items = '[{"description": "x", "due_date": "next week"}]'`)).toBe('ck_transcripts_action_items');
    expect(await update(`sop_steps = '[{"step": 0, "title": "x"}]'`)).toBe('ck_transcripts_sop_steps');
    expect(await update(`language = 'english!'`)).toBe('ck_transcripts_language');
    expect(await update(`action_items = '[{"id": "a", "description": "x", "assignee": null, "priority": "low", "due_date": "2026-01-02"}]'`)).toBe('accepted');
    expect(await asApp(`update meetings.transcript_chunks set end_seconds = start_seconds - 1 where workspace_id = ${literal(ws.id)}`)).toBe('ck_transcript_chunks_time_range');
    const asset = { platform: 'LOOM', externalId: 'loom-pipeline', kind: 'VIDEO', title: 'Pending', url: 'https://www.loom.com/share/p', recordedAt: new Date(NOW).toISOString() };
    expect(expectData(await ingestMedia([asset])).ingestMediaAssets.created).toBe(1);
    const a = (set: string) => asApp(`update media.media_assets set ${set} where workspace_id = ${literal(ws.id)} and external_id = 'loom-pipeline'`);
    expect(await a(`status = 'ready'`)).toMatch(/^CH409: media_assets: status cannot go from pending to ready/);
    expect(await a(`status = 'processing'`)).toBe('accepted');
    expect(await a(`status = 'failed'`)).toBe('ck_media_assets_failure_reason');
    expect(await a(`duration_seconds = 10, kind = 'document'`)).toBe('ck_media_assets_duration_seconds');
  });

  it('moves attendees relationship strength once a meeting is held, and not for one still ahead', async () => {
    const contact = async () => (await sql.unsafe(`select relationship_strength::float as s, last_interaction_at from core.contacts where id = ${literal(adaId)}`))[0]!;
    const before = await contact();
    const ahead = { startTime: new Date(NOW + 24 * HOUR).toISOString(), endTime: new Date(NOW + 25 * HOUR).toISOString(), status: 'SCHEDULED' };
    expectData(await ingest([meeting(40, ahead)]));
    expect(await contact()).toEqual(before);
    const held = meeting(41, { startTime: new Date(NOW - HOUR).toISOString(), endTime: new Date(NOW - 0.5 * HOUR).toISOString() });
    expectData(await ingest([held]));
    const after = await contact();
    expect(after.s).toBeGreaterThan(before.s);
    expect(new Date(after.last_interaction_at).toISOString()).toBe(held.startTime);
    // Sent again (or changed without new attendees), it counts no second time.
    expectData(await ingest([{ ...held, title: 'Retitled' }]));
    expect((await contact()).s).toBe(after.s);
  });

  it('streams meeting and transcript changes, live', async () => {
    const after = await latestLogCursor(chief, ws.users.owner.token);
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${ws.users.member.token}` });
    try {
      const meetingsSeen = client.watch<{ meetingChanged: { action: string; meeting: { externalId: string; durationMins: number } } }>(
        'subscription($after: String) { meetingChanged(after: $after) { action meeting { externalId durationMins } } }', { after },
      );
      const transcriptsSeen = client.watch<{ transcriptChanged: { action: string; transcript: { status: string; meeting: { externalId: string } } } }>(
        'subscription($after: String) { transcriptChanged(after: $after) { action transcript { status meeting { externalId } } } }', { after },
      );
      expectData(await ingest([meeting(47)]));
      expectData(await attach([transcript(47, { status: 'PENDING' })]));
      const [m] = await meetingsSeen.until(1);
      expect(m!.data!.meetingChanged).toEqual({ action: 'CREATED', meeting: { externalId: 'zoom-47', durationMins: 50 } });
      const [t] = await transcriptsSeen.until(1);
      expect(t!.data!.transcriptChanged).toEqual({ action: 'CREATED', transcript: { status: 'PENDING', meeting: { externalId: 'zoom-47' } } });
    } finally {
      await client.dispose();
    }
  });

  it('counts a meeting ingested ahead of time once it has started, when it is sent again', async () => {
    const strength = async () => Number((await sql.unsafe(`select relationship_strength::float as s from core.contacts where id = ${literal(adaId)}`))[0]!.s);
    const soon = Date.now() + 1500;
    const ahead = meeting(60, { status: 'SCHEDULED', startTime: new Date(soon).toISOString(), endTime: new Date(soon + 1_800_000).toISOString() });
    expect(expectData(await ingest([ahead])).ingestMeetings.results[0]!.outcome).toBe('CREATED');
    const before = await strength();
    expect(expectData(await ingest([ahead])).ingestMeetings.results[0]!.outcome).toBe('UNCHANGED');
    expect(await strength()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, soon - Date.now() + 100));
    // Sent again by a member who may not change the owner's meeting: it counts all the same, once.
    expect(expectData(await ingest([ahead], ws.users.member.token)).ingestMeetings.results[0]!.outcome).toBe('UNCHANGED');
    const counted = await strength();
    expect(counted).toBeGreaterThan(before);
    expect(expectData(await ingest([ahead])).ingestMeetings.results[0]!.outcome).toBe('UNCHANGED');
    expect(await strength()).toBe(counted);
    // An attendee who stays away and comes back is still one interaction of this meeting.
    const [ada, ...others] = ahead.participants;
    for (const attendance of ['ABSENT', 'ATTENDED']) {
      expect(expectData(await ingest([{ ...ahead, participants: [{ ...ada, attendance }, ...others] }])).ingestMeetings.results[0]!.outcome).toBe('UPDATED');
    }
    expect(await strength()).toBe(counted);
  });

  it('ingests a Loom video with its transcript once, updates its summary without rewriting its chunks, and refuses a skipped step', async () => {
    const loom = {
      platform: 'LOOM', externalId: 'loom-1', kind: 'VIDEO', title: 'Product walkthrough', url: 'https://www.loom.com/share/abc', durationSeconds: 312,
      status: 'READY', author: { address: 'ada@example.test' }, recordedAt: new Date(NOW - 5 * HOUR).toISOString(), founderId: ws.founderId,
      transcript: { language: 'en', summary: 'A tour of onboarding.', chunks: chunks(4) },
    };
    const first = expectData(await ingestMedia([loom, { ...loom, externalId: 'doc-1', kind: 'DOCUMENT', durationSeconds: 10 }])).ingestMediaAssets;
    expect(first.results[0]).toMatchObject({ outcome: 'CREATED', mediaAsset: { status: 'READY', author: { contact: { id: adaId } }, transcript: { summary: 'A tour of onboarding.', chunkCount: 4 } } });
    expect(first.results[1]!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items.1.durationSeconds' });
    expect(expectData(await ingestMedia([loom])).ingestMediaAssets.unchanged).toBe(1);
    const chunkIds = () => sql.unsafe(`select id from media.media_chunks where workspace_id = ${literal(ws.id)} order by position`);
    const before = await chunkIds();
    const updated = expectData(await ingestMedia([{ ...loom, transcript: { ...loom.transcript, summary: 'A tour of onboarding and billing.' } }])).ingestMediaAssets;
    expect(updated.results[0]).toMatchObject({ outcome: 'UPDATED', mediaAsset: { transcript: { summary: 'A tour of onboarding and billing.' } } });
    expect(await chunkIds()).toEqual(before);
    const [event] = await sql.unsafe(`select payload from ops.events where workspace_id = ${literal(ws.id)} and type = 'media.media_asset.updated'`);
    expect(event!.payload).toEqual({ changed: ['transcript.summary'], status: 'ready' });
    const { transcript: _transcript, ...bare } = { ...loom, transcript: { ...loom.transcript, summary: 'A tour of onboarding and billing.' } };
    expect(expectData(await ingestMedia([bare])).ingestMediaAssets.results[0]).toMatchObject({ outcome: 'UNCHANGED', mediaAsset: { transcript: { summary: 'A tour of onboarding and billing.', chunkCount: 4 } } });
    expect(expectData(await ingestMedia([{ ...loom, status: 'PENDING' }])).ingestMediaAssets.results[0]!.error).toMatchObject({ code: 'CONFLICT', field: 'items.0.status' });
    const listed = expectData(await chief.request<{ contact: { mediaAssets: { edges: { node: { title: string } }[] } } }>(
      'query($id: ID!) { contact(id: $id) { mediaAssets { edges { node { title } } } } }', { id: adaId }, { token: ws.users.viewer.token },
    )).contact.mediaAssets.edges;
    expect(listed).toEqual([{ node: { title: 'Product walkthrough' } }]);
  });

  it('costs the same number of statements for the inbox with contacts, their meetings and tasks, at two sizes', async () => {
    const messages = Array.from({ length: 4 }, (_, n) => ({
      platform: 'GMAIL', externalId: `m-${n}`, direction: 'INBOUND', founderId: ws.founderId, sender: { address: 'ada@example.test' },
      subject: `Re: sync ${n}`, receivedAt: new Date(NOW - n * HOUR).toISOString(),
    }));
    expectData(await chief.request('mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { created } }', { items: messages }, { token: ws.users.owner.token }));
    const latest = expectData(await chief.request<{ contact: { meetings: { edges: { node: { id: string } }[] } } }>(
      'query($id: ID!) { contact(id: $id) { meetings(first: 2) { edges { node { id } } } } }', { id: adaId }, { token: ws.users.owner.token },
    )).contact.meetings.edges;
    const taskIds: string[] = [];
    for (const { node } of latest) {
      const made = expectData(await chief.request<Ids<'createTask'>>('mutation($m: ID!) { createTask(input: { title: "Send the term sheet", sourceType: MEETING, sourceId: $m }) { id } }', { m: node.id }, { token: ws.users.owner.token }));
      taskIds.push(made.createTask.id);
    }
    // A task's source is the meeting itself, from the meetings subgraph.
    const source = expectData(await chief.request<{ task: { source: unknown } }>(
      'query($id: ID!) { task(id: $id) { source { type id node { __typename ... on Meeting { id durationMins } } } } }', { id: taskIds[0] }, { token: ws.users.viewer.token },
    )).task.source;
    expect(source).toEqual({ type: 'MEETING', id: latest[0]!.node.id, node: { __typename: 'Meeting', id: latest[0]!.node.id, durationMins: expect.any(Number) } });
    const query = `query($f: ID!, $n: Int!) { founder(id: $f) { inbox(first: $n) { edges { node {
      subject contacts { name meetings(first: 2) { edges { node { title durationMins participants { role } transcript { status } tasks(first: 2) { edges { node { title } } } } } } }
    } } } } }`;
    const count = async (n: number) => {
      chief.statements.reset();
      const data = expectData(await chief.request<{ founder: { inbox: { edges: { node: { contacts: { meetings: { edges: { node: { tasks: { edges: unknown[] } } }[] } }[] } }[] } } }>(query, { f: ws.founderId, n }, { token: ws.users.owner.token }));
      return { statements: chief.statements.count, data };
    };
    await count(1);
    const small = await count(2);
    const large = await count(4);
    expect(large.data.founder.inbox.edges).toHaveLength(4);
    expect(large.data.founder.inbox.edges[0]!.node.contacts[0]!.meetings.edges.length).toBeGreaterThan(0);
    expect(large.data.founder.inbox.edges.flatMap((e) => e.node.contacts.flatMap((c) => c.meetings.edges.flatMap((m) => m.node.tasks.edges)))).not.toHaveLength(0);
    expect(large.statements).toBe(small.statements);
  });
});
