import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { decayedStrength } from '../subgraphs/core/src/domain/contactGraph.ts';
import { connectSubscriptions, latestLogCursor } from './support/subscriptionClient.ts';

const INGEST = `mutation Ingest($items: [CommunicationInput!]!, $syncJobId: ID) {
  ingestCommunications(items: $items, syncJobId: $syncJobId) {
    created updated unchanged failed
    results { index outcome communication { id subject contacts { id } } error { code field message } }
  }
}`;

interface IngestResult {
  ingestCommunications: {
    created: number; updated: number; unchanged: number; failed: number;
    results: { index: number; outcome: string | null; communication: { id: string; subject: string | null; contacts: { id: string }[] } | null; error: { code: string; field: string | null } | null }[];
  };
}

const HOUR = 3_600_000;
/** One instant for the whole file: an item sent again must be the same item. */
const NOW = Date.now();

/** A realistic message; `n` makes it distinct. */
const message = (n: number, overrides: Record<string, unknown> = {}) => ({
  platform: 'GMAIL',
  externalId: `msg-${n}`,
  threadExternalId: `thread-${n % 3}`,
  direction: 'INBOUND',
  sender: { address: 'Ada@Example.test', name: 'Ada' },
  recipients: [{ address: 'founder@alpha.test', kind: 'TO' }],
  subject: `Subject ${n}`,
  content: `Body of message ${n} about the term sheet`,
  receivedAt: new Date(NOW - (100 - n) * HOUR).toISOString(),
  urgency: n % 2 ? 'HIGH' : 'NORMAL',
  topics: ['fundraising'],
  sentiment: { score: 0.4, label: 'positive', confidence: 0.8, keywords: ['excited'] },
  ...overrides,
});

describe('comms: idempotent ingestion, the inbox and the contact graph', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let adaId: string;
  let bobId: string;

  const ingest = (items: unknown[], token = ws.users.owner.token, syncJobId?: string) =>
    chief.request<IngestResult>(INGEST, { items, syncJobId }, { token });
  const events = async (type: string) =>
    Number((await sql.unsafe(`select count(*)::int as n from ops.events where workspace_id = ${literal(ws.id)} and type = ${literal(type)}`))[0]!.n);
  const rows = () => sql.unsafe(`select * from comms.communications where workspace_id = ${literal(ws.id)} order by external_id`);

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Alpha');
    const made = expectData(await chief.request<Ids<'ada' | 'bob'>>(
      `mutation($f: ID) {
        ada: createContact(input: { name: "Ada", email: "ada@example.test", founderId: $f }) { id }
        bob: createContact(input: { name: "Bob", handles: ["slack:U024BE7LH"] }) { id }
      }`, { f: ws.founderId }, { token: ws.users.owner.token },
    ));
    adaId = made.ada.id;
    bobId = made.bob.id;
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('writes a batch once: the same batch again is UNCHANGED, with identical rows and one event per item', async () => {
    const batch = [0, 1, 2, 3].map((n) => message(n, { founderId: ws.founderId }));
    const first = expectData(await ingest(batch)).ingestCommunications;
    expect(first).toMatchObject({ created: 4, updated: 0, unchanged: 0, failed: 0 });
    expect(first.results.map((r) => r.outcome)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED']);
    expect(first.results[0]!.communication!.contacts).toEqual([{ id: adaId }]);
    const before = await rows();
    const second = expectData(await ingest(batch)).ingestCommunications;
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 4, failed: 0 });
    expect(second.results.map((r) => r.communication!.id)).toEqual(first.results.map((r) => r.communication!.id));
    expect(await rows()).toEqual(before);
    expect(await events('comms.communication.received')).toBe(4);
    expect(await events('comms.communication.updated')).toBe(0);
    expect(await events('comms.thread.created')).toBe(3);
  });

  it('updates a changed item with an update event, and keeps what people did with it', async () => {
    const [{ id }] = (await sql.unsafe(`select id from comms.communications where workspace_id = ${literal(ws.id)} and external_id = 'msg-0'`)) as unknown as [{ id: string }];
    expectData(await chief.request('mutation($id: ID!) { markCommunicationRead(id: $id) { readAt } }', { id }, { token: ws.users.owner.token }));
    const changed = expectData(await ingest([message(0, { founderId: ws.founderId, subject: 'Revised terms' })])).ingestCommunications;
    expect(changed.results[0]).toMatchObject({ outcome: 'UPDATED', communication: { id, subject: 'Revised terms' } });
    const [event] = await sql.unsafe(`select payload from ops.events where workspace_id = ${literal(ws.id)} and type = 'comms.communication.updated' and entity_id = ${literal(id)} order by seq desc limit 1`);
    expect(event!.payload).toEqual({ changed: ['subject'] });
    const [row] = await sql.unsafe(`select read_at from comms.communications where id = ${literal(id)}`);
    expect(row!.read_at).not.toBeNull();
  });

  it('reports a bad item by index and field and writes the others; a database refusal too', async () => {
    const other = await createWorkspaceFixture(chief, 'Beta');
    const batch = [
      message(10),
      message(11, { sentiment: { score: 2, label: 'positive', confidence: 0.5 } }),
      message(12, { founderId: other.founderId }),
      message(13, { sender: { address: '' } }),
      message(14),
    ];
    const result = expectData(await ingest(batch)).ingestCommunications;
    expect(result).toMatchObject({ created: 2, failed: 3 });
    expect(result.results.map((r) => [r.index, r.outcome, r.error?.code ?? null, r.error?.field ?? null])).toEqual([
      [0, 'CREATED', null, null],
      [1, null, 'BAD_USER_INPUT', 'items.1.sentiment.score'],
      [2, null, 'NOT_FOUND', 'items.2.founderId'],
      [3, null, 'BAD_USER_INPUT', 'items.3.sender.address'],
      [4, 'CREATED', null, null],
    ]);
    const stored = (await rows()).map((r) => r.external_id);
    expect(stored).toEqual(expect.arrayContaining(['msg-10', 'msg-14']));
    expect(stored).not.toContain('msg-11');
    expect(stored).not.toContain('msg-12');
  });

  it('refuses a second copy of an item in one batch, and an item from the future', async () => {
    const result = expectData(await ingest([message(15), message(15, { subject: 'Other' }), message(16, { receivedAt: new Date(NOW + 48 * HOUR).toISOString() })])).ingestCommunications;
    expect(result.results.map((r) => [r.outcome, r.error?.field ?? null])).toEqual([['CREATED', null], [null, 'items.1.externalId'], [null, 'items.2.receivedAt']]);
    const again = expectData(await ingest([message(15), message(15, { subject: 'Other' })])).ingestCommunications;
    expect(again).toMatchObject({ unchanged: 1, updated: 0, failed: 1 });
  });

  it('keeps a communication, and its workspace, when its thread is deleted', async () => {
    const [row] = await sql.unsafe(`select id, thread_id from comms.communications where workspace_id = ${literal(ws.id)} and external_id = 'msg-15'`);
    await sql.unsafe(`delete from comms.threads where id = ${literal(row!.thread_id as string)}`);
    const [after] = await sql.unsafe(`select workspace_id, thread_id from comms.communications where id = ${literal(row!.id as string)}`);
    expect(after).toEqual({ workspace_id: ws.id, thread_id: null });
  });

  it('refuses a batch over the maximum whole, before writing anything', async () => {
    const before = (await rows()).length;
    const result = await ingest(Array.from({ length: 201 }, (_, n) => message(1000 + n)));
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'items' });
    expect((await rows()).length).toBe(before);
  });

  it('lets members and WRITE keys ingest, and not viewers or READ keys', async () => {
    const keys = expectData(await chief.request<Record<'read' | 'write', { secret: string }>>(
      `mutation { read: createApiKey(input: { name: "R", scopes: [READ] }) { secret } write: createApiKey(input: { name: "W", scopes: [READ, WRITE] }) { secret } }`,
      {}, { token: ws.users.admin.token },
    ));
    expect(errorOf(await ingest([message(20)], ws.users.viewer.token)).code).toBe('FORBIDDEN');
    // Refused for who they are, whatever the batch.
    expect(errorOf(await ingest(Array.from({ length: 201 }, (_, n) => message(2000 + n)), ws.users.viewer.token)).code).toBe('FORBIDDEN');
    expect(errorOf(await chief.request(INGEST, { items: [message(21)] }, { headers: { authorization: `Bearer ${keys.read.secret}` } })).code).toBe('FORBIDDEN');
    expect(expectData(await ingest([message(22)], ws.users.member.token)).ingestCommunications.created).toBe(1);
    const byKey = await chief.request<IngestResult>(INGEST, { items: [message(23)] }, { headers: { authorization: `Bearer ${keys.write.secret}` } });
    expect(expectData(byKey).ingestCommunications.created).toBe(1);
    expect((await rows()).map((r) => r.external_id)).not.toContain('msg-20');
  });

  it('matches chat handles, moves relationship strength and last interaction, and lists contacts going cold', async () => {
    const long = new Date(Date.now() - 90 * 24 * HOUR).toISOString();
    const slack = message(30, { platform: 'SLACK', sender: { address: 'U024BE7LH' }, recipients: [], receivedAt: long, threadExternalId: null });
    const result = expectData(await ingest([slack])).ingestCommunications;
    expect(result.results[0]!.communication!.contacts).toEqual([{ id: bobId }]);
    const contacts = expectData(await chief.request<{ ada: { relationshipStrength: number; strengthAtLastInteraction: number; lastInteractionAt: string }; bob: { relationshipStrength: number; strengthAtLastInteraction: number } }>(
      `query($a: ID!, $b: ID!) {
        ada: contact(id: $a) { relationshipStrength strengthAtLastInteraction lastInteractionAt }
        bob: contact(id: $b) { relationshipStrength strengthAtLastInteraction }
      }`, { a: adaId, b: bobId }, { token: ws.users.owner.token },
    ));
    // Ada: seven messages (one refused, re-sends not counted), 0.15 toward 1 each.
    expect(contacts.ada.strengthAtLastInteraction).toBeGreaterThan(0.5);
    expect(contacts.bob.strengthAtLastInteraction).toBe(0.15);
    // Ninety days is three half-lives.
    expect(contacts.bob.relationshipStrength).toBeCloseTo(0.15 / 8, 3);
    const cold = expectData(await chief.request<{ goingCold: { edges: { node: { id: string } }[] } }>(
      '{ goingCold(below: 0.1) { edges { node { id } } } }', {}, { token: ws.users.owner.token },
    ));
    expect(cold.goingCold.edges.map((e) => e.node.id)).toEqual([bobId]);
  });

  it('decays in SQL exactly as in TypeScript', async () => {
    const at = new Date('2026-06-01T00:00:00Z');
    for (const [strength, days] of [[0.8, 0], [0.8, 15], [0.5, 30], [1, 45.5], [0.33, 200]] as const) {
      const last = new Date(at.getTime() - days * 24 * HOUR);
      const [row] = await sql.unsafe(`select core.decayed_strength(${strength}, ${literal(last.toISOString())}, ${literal(at.toISOString())})::float8 as d`);
      expect(row!.d).toBeCloseTo(decayedStrength(strength, last, at), 4);
    }
  });

  it('moves a running sync job by what each call saw, wrote and failed, and refuses items for an ended one', async () => {
    const integration = expectData(await chief.request<Ids<'connectIntegration'>>(
      'mutation { connectIntegration(input: { platform: GMAIL, credentials: { token: "t" } }) { id } }', {}, { token: ws.users.owner.token },
    )).connectIntegration.id;
    const job = expectData(await chief.request<Ids<'startSyncJob'>>(
      'mutation($i: ID!) { startSyncJob(input: { integrationId: $i, jobType: FULL_SYNC, itemsTotal: 4 }) { id } }', { i: integration }, { token: ws.users.owner.token },
    )).startSyncJob.id;
    await ingest([message(40), message(41, { sentiment: { score: 5, label: 'x', confidence: 1 } })], ws.users.owner.token, job);
    await ingest([message(40), message(42)], ws.users.owner.token, job);
    // A plain member may not move a job the owner started: refused before any item is written.
    expect(errorOf(await ingest([message(44)], ws.users.member.token, job))).toMatchObject({ code: 'FORBIDDEN', field: undefined });
    const progress = expectData(await chief.request<{ syncJob: Record<string, unknown> }>(
      'query($id: ID!) { syncJob(id: $id) { status itemsSeen itemsWritten itemsFailed progressPercent } }', { id: job }, { token: ws.users.owner.token },
    ));
    expect(progress.syncJob).toEqual({ status: 'RUNNING', itemsSeen: 4, itemsWritten: 2, itemsFailed: 1, progressPercent: 100 });
    const finished = await chief.request('mutation($id: ID!) { finishSyncJob(id: $id, input: { status: FAILED }) { status } }', { id: job }, { token: ws.users.owner.token });
    expect(errorOf(finished)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.error' });
    expectData(await chief.request('mutation($id: ID!) { finishSyncJob(id: $id, input: { status: COMPLETED, cursor: "h-99" }) { status } }', { id: job }, { token: ws.users.owner.token }));
    const late = await ingest([message(43)], ws.users.owner.token, job);
    expect(errorOf(late)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'syncJobId' });
    expect((await rows()).map((r) => r.external_id)).not.toContain('msg-43');
  });

  it('marks read and unread, sets and clears follow-ups, archives, and filters the inbox by each', async () => {
    const inbox = async (filter: Record<string, unknown> = {}) =>
      expectData(await chief.request<{ founder: { inbox: { edges: { node: { id: string; subject: string } }[] } } }>(
        'query($f: ID!, $filter: CommunicationFilter) { founder(id: $f) { inbox(filter: $filter, first: 50) { edges { node { id subject } } } } }',
        { f: ws.founderId, filter }, { token: ws.users.owner.token },
      )).founder.inbox.edges.map((e) => e.node.id);
    const all = await inbox();
    expect(all.length).toBe(4);
    const [newest, , , oldest] = all;
    const run = (mutation: string, id: string, extra = '') =>
      chief.request(`mutation($id: ID!) { ${mutation}(id: $id${extra}) { id } }`, { id }, { token: ws.users.owner.token });
    expectData(await run('markCommunicationRead', newest!));
    expect(await inbox({ unread: true })).not.toContain(newest);
    expectData(await run('markCommunicationUnread', newest!));
    expect(await inbox({ unread: true })).toContain(newest);
    expectData(await run('setCommunicationFollowUp', oldest!, ', input: { note: "Send the deck" }'));
    expect(await inbox({ followUp: true })).toEqual([oldest]);
    expectData(await run('clearCommunicationFollowUp', oldest!));
    expect(await inbox({ followUp: true })).toEqual([]);
    expectData(await run('archiveCommunication', oldest!));
    expect(await inbox()).not.toContain(oldest);
    expect(await inbox({ includeArchived: true })).toContain(oldest);
    expect((await inbox({ minUrgency: 'HIGH' })).length).toBe(2);
    expect(await inbox({ text: 'subject 2' })).toHaveLength(1);
    expect(errorOf(await chief.request('{ communications(filter: { contactId: "nope" }) { edges { cursor } } }', {}, { token: ws.users.owner.token }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.contactId' });
    const viewer = await run('markCommunicationRead', newest!).then(() => chief.request('mutation($id: ID!) { archiveCommunication(id: $id) { id } }', { id: newest }, { token: ws.users.viewer.token }));
    expect(errorOf(viewer).code).toBe('FORBIDDEN');
  });

  it('holds sentiment, follow-up and recipients to their shapes in the database, under the application role', async () => {
    const attempt = async (set: string) => {
      try {
        await sql.begin(async (tx) => {
          await tx.unsafe(`select set_config('role', 'chief_app', true), set_config('chief.user_id', ${literal(ws.users.owner.userId)}, true), set_config('chief.workspace_id', ${literal(ws.id)}, true)`);
          await tx.unsafe(`update comms.communications set ${set} where workspace_id = ${literal(ws.id)}`);
        });
        return 'accepted';
      } catch (error) {
        return (error as { constraint_name?: string }).constraint_name ?? String(error);
      }
    };
    expect(await attempt(`sentiment = '{"score": 1.5, "label": "positive", "confidence": 0.5}'`)).toBe('ck_communications_sentiment');
    expect(await attempt(`sentiment = '{"score": "high", "label": "positive", "confidence": 0.5}'`)).toBe('ck_communications_sentiment');
    expect(await attempt(`sentiment = '{"score": 0.1, "label": "great", "confidence": 0.5}'`)).toBe('ck_communications_sentiment');
    expect(await attempt(`sentiment = '{"score": 0.1, "label": "neutral", "confidence": 2}'`)).toBe('ck_communications_sentiment');
    expect(await attempt(`follow_up_needed = false, follow_up_note = 'x'`)).toBe('ck_communications_follow_up');
    expect(await attempt(`sentiment = '{"score": -1, "label": "negative", "confidence": 0, "keywords": []}'`)).toBe('accepted');
  });

  it('streams arrivals at least as urgent as asked, and the progress of a sync job, live', async () => {
    const after = await latestLogCursor(chief, ws.users.owner.token);
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${ws.users.member.token}` });
    try {
      const urgent = client.watch<{ communicationReceived: { cursor: string; communication: { externalId: string; urgency: string; sender: { contact: { name: string } | null } } } }>(
        'subscription($after: String) { communicationReceived(minUrgency: HIGH, after: $after) { cursor communication { externalId urgency sender { contact { name } } } } }', { after },
      );
      const integration = expectData(await chief.request<Ids<'connectIntegration'>>(
        'mutation { connectIntegration(input: { platform: SLACK, credentials: { token: "t" } }) { id } }', {}, { token: ws.users.owner.token },
      )).connectIntegration.id;
      const job = expectData(await chief.request<Ids<'startSyncJob'>>(
        'mutation($i: ID!) { startSyncJob(input: { integrationId: $i, jobType: INCREMENTAL_SYNC }) { id } }', { i: integration }, { token: ws.users.owner.token },
      )).startSyncJob.id;
      const progress = client.watch<{ syncJobChanged: { action: string; syncJob: { status: string; itemsSeen: number } } }>(
        'subscription($id: ID, $after: String) { syncJobChanged(id: $id, after: $after) { action syncJob { status itemsSeen } } }', { id: job, after },
      );
      await ingest([message(50, { urgency: 'NORMAL' }), message(51, { urgency: 'URGENT' })], ws.users.owner.token, job);
      expectData(await chief.request('mutation($id: ID!) { finishSyncJob(id: $id, input: { status: COMPLETED }) { id } }', { id: job }, { token: ws.users.owner.token }));
      const [arrived] = await urgent.until(1);
      expect(arrived!.data!.communicationReceived.communication).toEqual({ externalId: 'msg-51', urgency: 'URGENT', sender: { contact: { name: 'Ada' } } });
      const changes = await progress.until(3);
      expect(changes.map((c) => c.data!.syncJobChanged.action)).toEqual(['CREATED', 'UPDATED', 'UPDATED']);
      // Each change is read when delivered: the job as it is by then.
      expect(changes.at(-1)!.data!.syncJobChanged.syncJob).toEqual({ status: 'COMPLETED', itemsSeen: 2 });
      expect(urgent.results).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });

  it('costs the same number of statements for the inbox with contacts, their communications and tasks, at two sizes', async () => {
    const query = `query($f: ID!, $n: Int!) { founder(id: $f) { inbox(first: $n, filter: { includeArchived: true }) { edges { node {
      subject sender { contact { name } } thread { messageCount }
      contacts { name communications(first: 5) { edges { node { subject tasks { edges { node { title } } } } } } }
    } } } } }`;
    const count = async (n: number) => {
      chief.statements.reset();
      expectData(await chief.request(query, { f: ws.founderId, n }, { token: ws.users.owner.token }));
      return chief.statements.count;
    };
    await count(1);
    const small = await count(2);
    const large = await count(4);
    expect(large).toBe(small);
  });
});
