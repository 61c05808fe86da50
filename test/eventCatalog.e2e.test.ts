import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, isEventType, readEvent } from '@chief/runtime';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { expectData, startTestChief, type TestChief } from './support/startTestChief.ts';
import { startTestIndexer } from './support/searchCorpus.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

/** Ids made by earlier steps, for the later ones. */
type Made = Record<string, string>;

/**
 * Every mutation of the API once, with valid input, in an order where each finds what it needs.
 * A mutation added to the API without a step here fails the coverage test below.
 */
/** What a step's mutation answers: its field, holding the id it made (or the key it made, for createApiKey). */
type Answer = Record<string, { id: string; apiKey: { id: string } }>;

const catalogMeeting = (title: string) => ({ platform: 'ZOOM', externalId: 'cat-meeting', title, startTime: '2026-11-30T10:00:00Z', endTime: '2026-11-30T10:30:00Z', status: 'COMPLETED' });
const catalogAsset = (status: string) => ({ platform: 'LOOM', externalId: 'cat-loom', kind: 'VIDEO', title: 'Catalog tour', url: 'https://www.loom.com/share/cat', status, recordedAt: '2026-11-30T11:00:00Z' });

const steps: { mutation: string; query: string; variables?: (made: Made, ws: WorkspaceFixture) => Record<string, unknown>; keep?: (data: Answer) => Made }[] = [
  { mutation: 'createWorkspace', query: 'mutation { createWorkspace(input: { name: "Side project", ownerName: "Owner" }) { id } }' },
  { mutation: 'updateWorkspace', query: 'mutation { updateWorkspace(input: { name: "Catalogued" }) { id } }' },
  {
    mutation: 'inviteMember',
    query: 'mutation($user: String!) { inviteMember(input: { userId: $user, role: VIEWER, name: "Guest" }) { id } }',
    variables: (_, ws) => ({ user: `guest|${ws.id}` }),
    keep: (d) => ({ guest: d.inviteMember!.id }),
  },
  { mutation: 'changeMemberRole', query: 'mutation($id: ID!) { changeMemberRole(id: $id, role: MEMBER) { id } }', variables: (m) => ({ id: m.guest }) },
  { mutation: 'createFounder', query: 'mutation { createFounder(input: { name: "Second Founder", email: "second@founders.test" }) { id } }', keep: (d) => ({ founder: d.createFounder!.id }) },
  { mutation: 'updateFounder', query: 'mutation($id: ID!) { updateFounder(id: $id, input: { title: "CTO" }) { id } }', variables: (m) => ({ id: m.founder }) },
  { mutation: 'createContact', query: 'mutation { createContact(input: { name: "Cat", email: "cat@log.test" }) { id } }', keep: (d) => ({ contact: d.createContact!.id }) },
  { mutation: 'updateContact', query: 'mutation($id: ID!) { updateContact(id: $id, input: { company: "Catalog Inc" }) { id } }', variables: (m) => ({ id: m.contact }) },
  { mutation: 'createContact', query: 'mutation { createContact(input: { name: "Dog", email: "dog@log.test" }) { id } }', keep: (d) => ({ other: d.createContact!.id }) },
  {
    mutation: 'relateContacts',
    query: 'mutation($a: ID!, $b: ID!) { relateContacts(input: { contactId: $a, otherContactId: $b, type: FRIEND }) { id } }',
    variables: (m) => ({ a: m.contact, b: m.other }),
    keep: (d) => ({ relationship: d.relateContacts!.id }),
  },
  // Named the other way round, it is the same relationship: its update event.
  { mutation: 'relateContacts', query: 'mutation($a: ID!, $b: ID!) { relateContacts(input: { contactId: $b, otherContactId: $a, type: COLLEAGUE }) { id } }', variables: (m) => ({ a: m.contact, b: m.other }) },
  { mutation: 'unrelateContacts', query: 'mutation($id: ID!) { unrelateContacts(id: $id) }', variables: (m) => ({ id: m.relationship }) },
  {
    mutation: 'recordContactInterest',
    query: 'mutation($c: ID!) { recordContactInterest(input: { contactId: $c, category: "food", topic: "fish", confidence: 0.5, evidence: { source: MANUAL } }) { id } }',
    variables: (m) => ({ c: m.contact }),
    keep: (d) => ({ interest: d.recordContactInterest!.id }),
  },
  // Again: reinforced.
  { mutation: 'recordContactInterest', query: 'mutation($c: ID!) { recordContactInterest(input: { contactId: $c, category: "Food", topic: "Fish", confidence: 0.9, evidence: { source: MANUAL } }) { id } }', variables: (m) => ({ c: m.contact }) },
  { mutation: 'removeContactInterest', query: 'mutation($id: ID!) { removeContactInterest(id: $id) }', variables: (m) => ({ id: m.interest }) },
  { mutation: 'createDeal', query: 'mutation($c: ID!) { createDeal(input: { title: "Pilot", contactId: $c }) { id } }', variables: (m) => ({ c: m.contact }), keep: (d) => ({ deal: d.createDeal!.id }) },
  { mutation: 'updateDeal', query: 'mutation($id: ID!) { updateDeal(id: $id, input: { stage: CLOSED_WON }) { id } }', variables: (m) => ({ id: m.deal }) },
  {
    mutation: 'connectIntegration',
    query: 'mutation { connectIntegration(input: { platform: SLACK, credentials: { token: "t" } }) { id } }',
    keep: (d) => ({ integration: d.connectIntegration!.id }),
  },
  {
    mutation: 'startSyncJob',
    query: 'mutation($i: ID!) { startSyncJob(input: { integrationId: $i, jobType: FULL_SYNC }) { id } }',
    variables: (m) => ({ i: m.integration }),
    keep: (d) => ({ job: d.startSyncJob!.id }),
  },
  { mutation: 'updateSyncJob', query: 'mutation($id: ID!) { updateSyncJob(id: $id, input: { cursor: "page-2" }) { id } }', variables: (m) => ({ id: m.job }) },
  {
    mutation: 'ingestCommunications',
    query: 'mutation($job: ID, $items: [CommunicationInput!]!) { ingestCommunications(items: $items, syncJobId: $job) { results { communication { id } } } }',
    variables: (m) => ({ job: m.job, items: [{ platform: 'SLACK', externalId: 'cat-1', threadExternalId: 'cat-thread', direction: 'INBOUND', sender: { address: 'cat@log.test' }, content: 'Hi', receivedAt: '2026-11-30T09:00:00Z' }] }),
    keep: (d) => ({ communication: (d.ingestCommunications as unknown as { results: { communication: { id: string } }[] }).results[0]!.communication.id }),
  },
  // The same item, changed: its update event.
  {
    mutation: 'ingestCommunications',
    query: 'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { created } }',
    variables: () => ({ items: [{ platform: 'SLACK', externalId: 'cat-1', threadExternalId: 'cat-thread', direction: 'INBOUND', sender: { address: 'cat@log.test' }, content: 'Hi again', receivedAt: '2026-11-30T09:00:00Z' }] }),
  },
  {
    mutation: 'ingestMeetings',
    query: 'mutation($job: ID, $items: [MeetingInput!]!) { ingestMeetings(items: $items, syncJobId: $job) { created } }',
    variables: (m) => ({ job: m.job, items: [catalogMeeting('Catalog sync')] }),
  },
  { mutation: 'ingestMeetings', query: 'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { updated } }', variables: () => ({ items: [catalogMeeting('Catalog sync, moved')] }) },
  {
    mutation: 'attachTranscript',
    query: 'mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { created } }',
    variables: () => ({ items: [{ platform: 'ZOOM', meetingExternalId: 'cat-meeting', status: 'PROCESSING', chunks: [{ startSeconds: 0, endSeconds: 3, text: 'Hi' }] }] }),
  },
  {
    mutation: 'attachTranscript',
    query: 'mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { updated } }',
    variables: () => ({ items: [{ platform: 'ZOOM', meetingExternalId: 'cat-meeting', status: 'COMPLETED', summary: 'Said hi', chunks: [{ startSeconds: 0, endSeconds: 3, text: 'Hi' }] }] }),
  },
  { mutation: 'ingestMediaAssets', query: 'mutation($items: [MediaAssetInput!]!) { ingestMediaAssets(items: $items) { created } }', variables: () => ({ items: [catalogAsset('PENDING')] }) },
  { mutation: 'ingestMediaAssets', query: 'mutation($items: [MediaAssetInput!]!) { ingestMediaAssets(items: $items) { updated } }', variables: () => ({ items: [catalogAsset('PROCESSING')] }) },
  {
    mutation: 'createInsight',
    query: 'mutation($c: ID!) { createInsight(input: { kind: FOLLOW_UP, title: "Cat waits", content: { summary: "Cat asked twice" }, confidence: 0.8, evidence: [{ type: COMMUNICATION, id: $c }] }) { id } }',
    variables: (m) => ({ c: m.communication }),
    keep: (d) => ({ insight: d.createInsight!.id }),
  },
  { mutation: 'updateInsight', query: 'mutation($id: ID!) { updateInsight(id: $id, input: { status: ACKNOWLEDGED }) { id } }', variables: (m) => ({ id: m.insight }) },
  {
    mutation: 'createDecision',
    query: 'mutation($i: ID!) { createDecision(input: { question: "Reply today?", options: [{ key: "yes", label: "Yes" }, { key: "no", label: "No" }], insightIds: [$i] }) { id } }',
    variables: (m) => ({ i: m.insight }),
    keep: (d) => ({ decision: d.createDecision!.id }),
  },
  { mutation: 'decide', query: 'mutation($id: ID!) { decide(id: $id, input: { chosenOption: "yes", rationale: "Cat matters" }) { id } }', variables: (m) => ({ id: m.decision }) },
  {
    mutation: 'raiseNotification',
    query: 'mutation($c: ID!) { raiseNotification(input: { kind: FOLLOW_UP, title: "Reply to Cat", message: "Cat wrote twice", subject: { type: CONTACT, id: $c } }) { notification { id } } }',
    variables: (m) => ({ c: m.contact }),
    keep: (d) => ({ notification: (d.raiseNotification as unknown as { notification: { id: string } }).notification.id }),
  },
  { mutation: 'markNotificationRead', query: 'mutation($id: ID!) { markNotificationRead(id: $id) { id } }', variables: (m) => ({ id: m.notification }) },
  { mutation: 'markNotificationUnread', query: 'mutation($id: ID!) { markNotificationUnread(id: $id) { id } }', variables: (m) => ({ id: m.notification }) },
  { mutation: 'snoozeNotification', query: 'mutation($id: ID!, $u: DateTime!) { snoozeNotification(id: $id, until: $u) { id } }', variables: (m) => ({ id: m.notification, u: new Date(Date.now() + 86_400_000).toISOString() }) },
  { mutation: 'dismissNotification', query: 'mutation($id: ID!) { dismissNotification(id: $id) { id } }', variables: (m) => ({ id: m.notification }) },
  {
    mutation: 'createBriefing',
    query: `mutation($f: ID!, $i: ID!) { createBriefing(input: { founderId: $f, kind: DAILY, periodStart: "2026-11-30T00:00:00Z", periodEnd: "2026-12-01T00:00:00Z", title: "Monday", status: READY,
      sections: [{ title: "Follow up", body: "Cat waits", citations: [{ type: INSIGHT, id: $i }] }] }) { id } }`,
    variables: (m, ws) => ({ f: ws.founderId, i: m.insight }),
    keep: (d) => ({ briefing: d.createBriefing!.id }),
  },
  // Delivered: its update event, and the delivery it caused.
  { mutation: 'updateBriefing', query: 'mutation($id: ID!) { updateBriefing(id: $id, input: { status: DELIVERED }) { id } }', variables: (m) => ({ id: m.briefing }) },
  { mutation: 'createWorkflow', query: 'mutation { createWorkflow(input: { name: "Reply to Cat", objective: "Draft a reply" }) { id } }', keep: (d) => ({ workflow: d.createWorkflow!.id }) },
  { mutation: 'moveWorkflow', query: 'mutation($id: ID!) { moveWorkflow(id: $id, input: { stage: PENDING_APPROVAL }) { id } }', variables: (m) => ({ id: m.workflow }) },
  { mutation: 'approveWorkflow', query: 'mutation($id: ID!) { approveWorkflow(id: $id, comment: "Go") { id } }', variables: (m) => ({ id: m.workflow }) },
  { mutation: 'createWorkflow', query: 'mutation { createWorkflow(input: { name: "Spam Cat", objective: "No" }) { id } }', keep: (d) => ({ rejected: d.createWorkflow!.id }) },
  { mutation: 'moveWorkflow', query: 'mutation($id: ID!) { moveWorkflow(id: $id, input: { stage: PENDING_APPROVAL }) { id } }', variables: (m) => ({ id: m.rejected }) },
  { mutation: 'rejectWorkflow', query: 'mutation($id: ID!) { rejectWorkflow(id: $id, reason: "No") { id } }', variables: (m) => ({ id: m.rejected }) },
  {
    mutation: 'writeCheckpoint',
    query: 'mutation($w: ID!) { writeCheckpoint(input: { workflowId: $w, generation: 1, step: "draft", nextStep: "send", schemaVersion: "1.0.0", state: { draft: "Hi Cat" } }) { id } }',
    variables: (m) => ({ w: m.workflow }),
  },
  { mutation: 'resumeWorkflow', query: 'mutation($id: ID!) { resumeWorkflow(id: $id) { generation } }', variables: (m) => ({ id: m.workflow }) },
  { mutation: 'updateWorkflowNodes', query: 'mutation($w: ID!) { updateWorkflowNodes(workflowId: $w, nodes: [{ key: "draft", type: AGENT, label: "Draft", status: RUNNING }]) { id } }', variables: (m) => ({ w: m.workflow }) },
  // No budget yet: allowed, and its cost held until it is recorded.
  { mutation: 'authorizeModelCall', query: 'mutation($w: ID!) { authorizeModelCall(input: { workflowId: $w, model: "gpt-4o-mini", inputTokens: 10, maxOutputTokens: 10 }) { allowed } }', variables: (m) => ({ w: m.workflow }) },
  { mutation: 'setBudget', query: 'mutation { setBudget(input: { limitUsd: 0.01 }) { limitUsd } }' },
  { mutation: 'setBudget', query: 'mutation($w: ID!) { setBudget(input: { workflowId: $w, limitUsd: 5 }) { limitUsd } }', variables: (m) => ({ w: m.workflow }) },
  { mutation: 'removeWorkflowBudget', query: 'mutation($w: ID!) { removeWorkflowBudget(workflowId: $w) { limitUsd } }', variables: (m) => ({ w: m.workflow }) },
  { mutation: 'recordTokenUsage', query: 'mutation($w: ID!) { recordTokenUsage(input: { workflowId: $w, model: "gpt-4o-mini", inputTokens: 1000, outputTokens: 200 }) { id } }', variables: (m) => ({ w: m.workflow }) },
  // Over the month's $0.01: refused and recorded as refused.
  { mutation: 'authorizeModelCall', query: 'mutation($w: ID!) { authorizeModelCall(input: { workflowId: $w, model: "gpt-4o", inputTokens: 10000, maxOutputTokens: 1000 }) { allowed } }', variables: (m) => ({ w: m.workflow }) },
  { mutation: 'updateAgentSettings', query: 'mutation { updateAgentSettings(input: { temperature: 0.3, models: [{ task: BRIEFING, model: "gpt-4o" }] }) { id } }' },
  { mutation: 'finishSyncJob', query: 'mutation($id: ID!) { finishSyncJob(id: $id, input: { status: COMPLETED }) { id } }', variables: (m) => ({ id: m.job }) },
  { mutation: 'markCommunicationRead', query: 'mutation($id: ID!) { markCommunicationRead(id: $id) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'markCommunicationUnread', query: 'mutation($id: ID!) { markCommunicationUnread(id: $id) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'setCommunicationFollowUp', query: 'mutation($id: ID!) { setCommunicationFollowUp(id: $id, input: { note: "Reply" }) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'clearCommunicationFollowUp', query: 'mutation($id: ID!) { clearCommunicationFollowUp(id: $id) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'archiveCommunication', query: 'mutation($id: ID!) { archiveCommunication(id: $id) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'unarchiveCommunication', query: 'mutation($id: ID!) { unarchiveCommunication(id: $id) { id } }', variables: (m) => ({ id: m.communication }) },
  { mutation: 'disconnectIntegration', query: 'mutation($id: ID!) { disconnectIntegration(id: $id) { id } }', variables: (m) => ({ id: m.integration }) },
  { mutation: 'createApiKey', query: 'mutation { createApiKey(input: { name: "Catalog" }) { apiKey { id } } }', keep: (d) => ({ key: d.createApiKey!.apiKey.id }) },
  { mutation: 'revokeApiKey', query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', variables: (m) => ({ id: m.key }) },
  { mutation: 'createTask', query: 'mutation($d: ID!) { createTask(input: { title: "Ship", dealId: $d }) { id } }', variables: (m) => ({ d: m.deal }), keep: (d) => ({ task: d.createTask!.id }) },
  { mutation: 'updateTask', query: 'mutation($id: ID!) { updateTask(id: $id, input: { priority: HIGH }) { id } }', variables: (m) => ({ id: m.task }) },
  { mutation: 'linkTask', query: 'mutation($id: ID!) { linkTask(input: { taskId: $id, platform: JIRA, externalId: "CAT-1" }) { id } }', variables: (m) => ({ id: m.task }), keep: (d) => ({ link: d.linkTask!.id }) },
  { mutation: 'unlinkTask', query: 'mutation($id: ID!) { unlinkTask(id: $id) }', variables: (m) => ({ id: m.link }) },
  { mutation: 'completeTask', query: 'mutation($id: ID!) { completeTask(id: $id) { id } }', variables: (m) => ({ id: m.task }) },
  { mutation: 'deleteTask', query: 'mutation($id: ID!) { deleteTask(id: $id) }', variables: (m) => ({ id: m.task }) },
  { mutation: 'deleteDeal', query: 'mutation($id: ID!) { deleteDeal(id: $id) }', variables: (m) => ({ id: m.deal }) },
  { mutation: 'deleteContact', query: 'mutation($id: ID!) { deleteContact(id: $id) }', variables: (m) => ({ id: m.contact }) },
  { mutation: 'removeMember', query: 'mutation($id: ID!) { removeMember(id: $id) }', variables: (m) => ({ id: m.guest }) },
];

describe('the events every mutation writes', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  let indexer: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Catalog');
    // With the search worker, whose batches are events too.
    indexer = await startTestIndexer(chief, [ws.id]);
    const made: Made = {};
    for (const step of steps) {
      const data = expectData(await chief.request<Answer>(step.query, step.variables?.(made, ws) ?? {}, { token: ws.users.owner.token }));
      Object.assign(made, step.keep?.(data));
    }
    for (let waited = 0; ; waited += 100) {
      const [indexed] = await sql.unsafe(`select 1 from ops.events where workspace_id = ${literal(ws.id)} and type = 'core.workspace.search_indexed' limit 1`);
      if (indexed || waited > 30_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
  afterAll(async () => {
    await indexer?.stop();
    await sql?.end();
    await chief?.stop();
  });

  it('runs every mutation of the API', () => {
    const api = buildSchema(readFileSync('schema/api.graphql', 'utf8'));
    expect([...new Set(steps.map((s) => s.mutation))].sort()).toEqual(Object.keys(api.getMutationType()!.getFields()).sort());
  });

  it('are every catalogued type, each read back through the catalog, about the entity of its type', async () => {
    const rows = await sql.unsafe<{ type: string; entity_type: string; payload: unknown }[]>(
      `select type, entity_type, payload from ops.events where workspace_id = ${literal(ws.id)} or workspace_id in (select id from core.workspaces where created_by_user_id = ${literal(ws.users.owner.userId)})`,
    );
    // Every catalogued type is written by some mutation, and every mutation writes catalogued types.
    expect([...new Set(rows.map((r) => r.type))].sort()).toEqual(Object.keys(eventCatalog).sort());
    for (const row of rows) {
      expect(isEventType(row.type), row.type).toBe(true);
      const definition = eventCatalog[row.type as keyof typeof eventCatalog];
      expect(row.entity_type, row.type).toBe(definition.entity);
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
      expect(() => readEvent({ type: row.type, payload }), `${row.type} ${JSON.stringify(payload)}`).not.toThrow();
    }
  });
});
