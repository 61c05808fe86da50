import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { asCaller } from './support/asCaller.ts';
import { errorOf, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { connectSubscriptions, latestLogCursor } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const HOUR = 3_600_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

const BRIEF = `query($f: ID!) { morningBrief(founderId: $f) {
  asOf founder { name }
  unreadCommunications { subject urgency sender { contact { name } } }
  upcomingMeetings { title }
  dueTasks { title priority }
  insights { title confidence evidence { node { __typename ... on Communication { subject } } } }
} }`;

interface Brief {
  morningBrief: {
    asOf: string;
    founder: { name: string };
    unreadCommunications: { subject: string; urgency: string; sender: { contact: { name: string } | null } }[];
    upcomingMeetings: { title: string }[];
    dueTasks: { title: string; priority: string }[];
    insights: { title: string; confidence: number; evidence: { node: { __typename: string; subject?: string } | null }[] }[];
  };
}

describe('intel: briefings, insights, decisions, notifications, model settings and the morning brief', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let other: WorkspaceFixture;
  let secondFounder: string;
  const owner = () => ws.users.owner.token;

  /** A founder's week: in and out of every window of the brief. */
  async function seedWeek(founderId: string, tag: string, extra = 0) {
    const comm = (n: string, receivedAt: string, urgency: string) => ({
      platform: 'GMAIL', externalId: `${tag}-${n}`, founderId, direction: 'INBOUND', sender: { address: 'ada@example.test', name: 'Ada' }, subject: `${tag} ${n}`, receivedAt, urgency,
    });
    const items = [comm('urgent', iso(-2 * HOUR), 'URGENT'), comm('normal', iso(-1 * HOUR), 'NORMAL'), comm('old', iso(-30 * HOUR), 'URGENT')];
    for (let i = 0; i < extra; i++) items.push(comm(`more-${i}`, iso(-3 * HOUR - i * 60_000), 'LOW'));
    const ingested = expectData(await chief.request<{ ingestCommunications: { results: { communication: { id: string } }[] } }>(
      'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { results { communication { id } } } }', { items }, { token: owner() },
    )).ingestCommunications.results.map((r) => r.communication.id);
    const meeting = (n: string, start: number) => ({ platform: 'ZOOM', externalId: `${tag}-${n}`, founderId, title: `${tag} ${n}`, startTime: iso(start), endTime: iso(start + HOUR) });
    const meetings = [meeting('soon', 3 * HOUR), meeting('later', 30 * HOUR), meeting('past', -5 * HOUR)];
    for (let i = 0; i < extra; i++) meetings.push(meeting(`more-${i}`, 4 * HOUR + i * 60_000));
    expectData(await chief.request('mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { created } }', { items: meetings }, { token: owner() }));
    const task = (title: string, dueAt: string | null, priority = 'MEDIUM', status = 'TODO') =>
      chief.request('mutation($i: CreateTaskInput!) { createTask(input: $i) { id } }', { i: { title: `${tag} ${title}`, founderId, dueAt, priority, status, ...(status === 'DONE' ? { completedAt: iso(0) } : {}) } }, { token: owner() });
    for (const made of [await task('due', iso(24 * HOUR), 'HIGH'), await task('overdue', iso(-24 * HOUR)), await task('far', iso(100 * HOUR)), await task('done', iso(HOUR), 'URGENT', 'DONE')]) expectData(made);
    for (let i = 0; i < extra; i++) expectData(await task(`more-${i}`, iso(48 * HOUR + i * 60_000)));
    const insight = (title: string, confidence: number, evidence: string[] = []) =>
      chief.request<Ids<'createInsight'>>('mutation($i: CreateInsightInput!) { createInsight(input: $i) { id } }', {
        i: { kind: 'FOLLOW_UP', title: `${tag} ${title}`, founderId, content: { summary: title }, confidence, evidence: evidence.map((id) => ({ type: 'COMMUNICATION', id })) },
      }, { token: owner() });
    expectData(await insight('sure', 0.9, [ingested[0]!]));
    expectData(await insight('unsure', 0.4));
    const dismissed = expectData(await insight('dismissed', 0.95)).createInsight.id;
    expectData(await chief.request('mutation($id: ID!) { updateInsight(id: $id, input: { status: DISMISSED }) { id } }', { id: dismissed }, { token: owner() }));
    for (let i = 0; i < extra; i++) expectData(await insight(`more-${i}`, 0.1));
    // An old insight: created eight days ago.
    const old = expectData(await insight('old', 0.99)).createInsight.id;
    await sql.unsafe(`update intel.insights set created_at = now() - interval '8 days' where id = ${literal(old)}`);
    return { communicationIds: ingested };
  }

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Intel');
    other = await createWorkspaceFixture(chief, 'Elsewhere');
    expectData(await chief.request('mutation { createContact(input: { name: "Ada", email: "ada@example.test" }) { id } }', {}, { token: owner() }));
    secondFounder = expectData(await chief.request<Ids<'createFounder'>>('mutation { createFounder(input: { name: "Bo", email: "bo@founders.test" }) { id } }', {}, { token: owner() })).createFounder.id;
    await seedWeek(ws.founderId, 'A');
    await seedWeek(secondFounder, 'B');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  it('answers the morning brief with the rows inside each window, in the seed\'s order, and only the founder\'s', async () => {
    const brief = expectData(await chief.request<Brief>(BRIEF, { f: ws.founderId }, { token: ws.users.viewer.token })).morningBrief;
    expect(brief.unreadCommunications.map((c) => c.subject)).toEqual(['A urgent', 'A normal']);
    expect(brief.unreadCommunications[0]!.sender.contact?.name).toBe('Ada');
    expect(brief.upcomingMeetings.map((m) => m.title)).toEqual(['A soon']);
    expect(brief.dueTasks.map((t) => t.title)).toEqual(['A overdue', 'A due']);
    expect(brief.insights.map((i) => i.title)).toEqual(['A sure', 'A unsure']);
    expect(brief.insights[0]!.evidence).toEqual([{ node: { __typename: 'Communication', subject: 'A urgent' } }]);
    // Wider windows are arguments.
    const wide = expectData(await chief.request<{ founder: { morningBrief: { upcomingMeetings: { title: string }[]; unreadCommunications: { subject: string }[]; insights: { title: string }[] } } }>(
      'query($f: ID!) { founder(id: $f) { morningBrief { upcomingMeetings(withinHours: 48) { title } unreadCommunications(withinHours: 48, first: 1) { subject } insights(withinDays: 9) { title } } } }',
      { f: ws.founderId }, { token: owner() },
    )).founder.morningBrief;
    expect(wide.upcomingMeetings.map((m) => m.title)).toEqual(['A soon', 'A later']);
    expect(wide.unreadCommunications.map((c) => c.subject)).toEqual(['A urgent']);
    expect(wide.insights.map((i) => i.title)).toEqual(['A old', 'A sure', 'A unsure']);
    const bad = await chief.request('query($f: ID!) { morningBrief(founderId: $f) { dueTasks(withinHours: 0) { title } } }', { f: ws.founderId }, { token: owner() });
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'withinHours' });
    // Another workspace's founder is not there for this caller.
    expect(errorOf(await chief.request(BRIEF, { f: ws.founderId }, { token: other.users.owner.token }))).toMatchObject({ code: 'NOT_FOUND', field: 'founderId' });
  });

  it('costs the same number of statements for the brief at two data sizes, and for one founder or two', async () => {
    const count = async (query: string, variables: Record<string, unknown>) => {
      chief.statements.reset();
      expectData(await chief.request(query, variables, { token: owner() }));
      return chief.statements.count;
    };
    await count(BRIEF, { f: ws.founderId });
    const small = await count(BRIEF, { f: ws.founderId });
    await seedWeek(ws.founderId, 'C', 6);
    const large = await count(BRIEF, { f: ws.founderId });
    expect(large).toBe(small);
    const both = `query { founders { edges { node { morningBrief { unreadCommunications { subject } upcomingMeetings { title } dueTasks { title } insights { title } } } } } }`;
    await count(both, {});
    expect(await count(both, {})).toBeLessThanOrEqual(small + 1);
  });

  it('moves insights and briefings only along their pipelines, in the database itself', async () => {
    const id = expectData(await chief.request<Ids<'createInsight'>>(
      'mutation { createInsight(input: { kind: RISK, title: "Runway", content: { summary: "9 months", metrics: [{ name: "months", value: 9 }], recommendations: ["Raise"] }, confidence: 0.7 }) { id } }', {}, { token: owner() },
    )).createInsight.id;
    expectData(await chief.request('mutation($id: ID!) { updateInsight(id: $id, input: { status: ACKNOWLEDGED }) { id } }', { id }, { token: owner() }));
    const back = await chief.request('mutation($id: ID!) { updateInsight(id: $id, input: { status: ACTIVE }) { id } }', { id }, { token: owner() });
    expect(errorOf(back)).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    expect(errorOf(back).message).toMatch(/from acknowledged to active/);
    const caller = { kind: 'user' as const, userId: ws.users.owner.userId, workspaceId: ws.id };
    expect(await asCaller(sql, caller, `update intel.insights set status = 'dismissed' where id = ${literal(id)}`)).toEqual({ error: 'CH409' });
    expect(await asCaller(sql, caller, `update intel.insights set confidence = 1.5 where id = ${literal(id)}`)).toEqual({ error: '23514' });
    expect(await asCaller(sql, caller, `update intel.insights set content = '{"summary": "x", "metrics": {"a": "high"}, "recommendations": []}' where id = ${literal(id)}`)).toEqual({ error: '23514' });

    const briefing = expectData(await chief.request<Ids<'createBriefing'>>(
      `mutation($f: ID!, $i: ID!) { createBriefing(input: { founderId: $f, kind: WEEKLY, periodStart: "2026-11-23T00:00:00Z", periodEnd: "2026-11-30T00:00:00Z", title: "Week 48",
        sections: [{ title: "Runway", body: "Nine months", citations: [{ type: INSIGHT, id: $i }] }] }) { id } }`, { f: ws.founderId, i: id }, { token: owner() },
    )).createBriefing.id;
    const skip = await chief.request('mutation($id: ID!) { updateBriefing(id: $id, input: { status: DELIVERED }) { id } }', { id: briefing }, { token: owner() });
    expect(errorOf(skip)).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    expect(await asCaller(sql, caller, `update intel.briefings set status = 'delivered', delivered_at = now() where id = ${literal(briefing)}`)).toEqual({ error: 'CH409' });
    for (const status of ['READY', 'DELIVERED']) expectData(await chief.request('mutation($id: ID!, $s: BriefingStatus!) { updateBriefing(id: $id, input: { status: $s }) { id } }', { id: briefing, s: status }, { token: owner() }));
    const delivered = expectData(await chief.request<{ briefing: { status: string; deliveredAt: string | null; cited: { node: { title: string } | null }[] } }>(
      'query($id: ID!) { briefing(id: $id) { status deliveredAt cited { node { ... on Insight { title } } } } }', { id: briefing }, { token: owner() },
    )).briefing;
    expect(delivered).toMatchObject({ status: 'DELIVERED', cited: [{ node: { title: 'Runway' } }] });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(errorOf(await chief.request('mutation($id: ID!) { updateBriefing(id: $id, input: { title: "Rewritten" }) { id } }', { id: briefing }, { token: owner() })).code).toBe('CONFLICT');
    const [events] = await sql.unsafe(`select count(*)::int as n from ops.events where entity_id = ${literal(briefing)} and type = 'intel.briefing.delivered'`);
    expect(events!.n).toBe(1);
  });

  it('raises the same nudge once, and lets a task come from an insight', async () => {
    const raise = () => chief.request<{ raiseNotification: { created: boolean; notification: { id: string; read: boolean } } }>(
      'mutation($m: ID!) { raiseNotification(input: { kind: TASK_DUE, title: "Invoice due", message: "Today", recipientId: $m, dedupKey: "invoice-42" }) { created notification { id read } } }',
      { m: ws.users.member.memberId }, { token: owner() },
    );
    const first = expectData(await raise()).raiseNotification;
    expect(first.created).toBe(true);
    expectData(await chief.request('mutation($id: ID!) { markNotificationRead(id: $id) { id } }', { id: first.notification.id }, { token: ws.users.member.token }));
    const again = expectData(await raise()).raiseNotification;
    expect(again).toEqual({ created: false, notification: { id: first.notification.id, read: true } });
    const [events] = await sql.unsafe(`select count(*)::int as n from ops.events where entity_id = ${literal(first.notification.id)} and type = 'intel.notification.created'`);
    expect(events!.n).toBe(1);
    expect(errorOf(await chief.request('mutation($id: ID!) { snoozeNotification(id: $id, until: "2020-01-01T00:00:00Z") { id } }', { id: first.notification.id }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'until' });

    const insight = expectData(await chief.request<Ids<'createInsight'>>('mutation { createInsight(input: { kind: OPPORTUNITY, title: "Intro to Grace", content: { summary: "Grace invests in dev tools" }, confidence: 0.6 }) { id } }', {}, { token: owner() })).createInsight.id;
    const task = expectData(await chief.request<{ createTask: { source: { node: { __typename: string; title: string } } } }>(
      'mutation($i: ID!) { createTask(input: { title: "Ask for the intro", sourceType: INSIGHT, sourceId: $i }) { source { node { __typename ... on Insight { title } } } } }', { i: insight }, { token: owner() },
    )).createTask;
    expect(task.source.node).toEqual({ __typename: 'Insight', title: 'Intro to Grace' });
  });

  it('records decisions once, and keeps model settings to admins', async () => {
    const id = expectData(await chief.request<Ids<'createDecision'>>('mutation { createDecision(input: { question: "Hire now?", options: [{ key: "now", label: "Now" }, { key: "q2", label: "In Q2" }] }) { id } }', {}, { token: owner() })).createDecision.id;
    expect(errorOf(await chief.request('mutation($id: ID!) { decide(id: $id, input: { chosenOption: "never" }) { id } }', { id }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.chosenOption' });
    const made = expectData(await chief.request<{ decide: { decided: boolean; decidedBy: { id: string } } }>('mutation($id: ID!) { decide(id: $id, input: { chosenOption: "q2", rationale: "Runway" }) { decided decidedBy { id } } }', { id }, { token: owner() })).decide;
    expect(made).toEqual({ decided: true, decidedBy: { id: ws.users.owner.memberId } });
    expect(errorOf(await chief.request('mutation($id: ID!) { decide(id: $id, input: { chosenOption: "now" }) { id } }', { id }, { token: owner() })).code).toBe('CONFLICT');

    const update = (token: string, input: Record<string, unknown>) => chief.request<{ updateAgentSettings: { temperature: number; models: { task: string; model: string }[] } }>(
      'mutation($i: UpdateAgentSettingsInput!) { updateAgentSettings(input: $i) { temperature models { task model } } }', { i: input }, { token },
    );
    expect(errorOf(await update(ws.users.member.token, { temperature: 0.2 })).code).toBe('FORBIDDEN');
    expect(errorOf(await update(ws.users.admin.token, { temperature: 2.5 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.temperature' });
    const settings = expectData(await update(ws.users.admin.token, { temperature: 0.2, models: [{ task: 'SUMMARY', model: 'gpt-4o' }] })).updateAgentSettings;
    expect(settings.temperature).toBe(0.2);
    expect(settings.models).toContainEqual({ task: 'SUMMARY', model: 'gpt-4o' });
    expect(settings.models).toContainEqual({ task: 'CHAT', model: 'gpt-4o-mini' });
  });

  it('lists an active insight past its expiry as expired, as it reads', async () => {
    const id = expectData(await chief.request<Ids<'createInsight'>>(
      'mutation { createInsight(input: { kind: RISK, title: "Stale runway estimate", content: { summary: "x" }, confidence: 0.4 }) { id } }', {}, { token: owner() },
    )).createInsight.id;
    await sql.unsafe(`update intel.insights set expires_at = now() - interval '1 minute' where id = ${literal(id)}`);
    const listed = async (status: string) => expectData(await chief.request<{ insights: { edges: { node: { id: string; status: string } }[] } }>(
      'query($s: [InsightStatus!]) { insights(first: 100, filter: { status: $s }) { edges { node { id status } } } }', { s: [status] }, { token: owner() },
    )).insights.edges.map((e) => e.node);
    expect((await listed('ACTIVE')).map((n) => n.id)).not.toContain(id);
    expect(await listed('EXPIRED')).toContainEqual({ id, status: 'EXPIRED' });
  });

  it('streams new insights, new notifications and a founder\'s briefing changes live', async () => {
    const after = await latestLogCursor(chief, owner());
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${ws.users.viewer.token}` });
    try {
      const insights = client.watch<{ insightCreated: { insight: { title: string; founder: { name: string } | null } } }>('subscription($a: String) { insightCreated(after: $a) { insight { title founder { name } } } }', { a: after });
      const notes = client.watch<{ notificationCreated: { notification: { title: string } } }>('subscription($a: String) { notificationCreated(after: $a) { notification { title } } }', { a: after });
      const briefs = client.watch<{ briefingUpdated: { action: string; briefing: { status: string } } }>('subscription($f: ID!, $a: String) { briefingUpdated(founderId: $f, after: $a) { action briefing { status } } }', { f: secondFounder, a: after });
      expectData(await chief.request('mutation($f: ID!) { createInsight(input: { kind: TREND, title: "Churn down", founderId: $f, content: { summary: "2% lower" }, confidence: 0.5 }) { id } }', { f: secondFounder }, { token: owner() }));
      expectData(await chief.request('mutation { raiseNotification(input: { kind: OTHER, title: "Hello", message: "World" }) { created } }', {}, { token: owner() }));
      const b = expectData(await chief.request<Ids<'createBriefing'>>('mutation($f: ID!) { createBriefing(input: { founderId: $f, kind: DAILY, periodStart: "2026-12-02T00:00:00Z", periodEnd: "2026-12-03T00:00:00Z", title: "Bo today" }) { id } }', { f: secondFounder }, { token: owner() })).createBriefing.id;
      expectData(await chief.request('mutation($id: ID!) { updateBriefing(id: $id, input: { status: READY }) { id } }', { id: b }, { token: owner() }));
      expect((await insights.until(1))[0]!.data!.insightCreated.insight).toEqual({ title: 'Churn down', founder: { name: 'Bo' } });
      expect((await notes.until(1))[0]!.data!.notificationCreated.notification.title).toBe('Hello');
      const changes = await briefs.until(2);
      expect(changes.map((c) => c.data!.briefingUpdated.action)).toEqual(['CREATED', 'UPDATED']);
    } finally {
      await client.dispose();
    }
  });
});
