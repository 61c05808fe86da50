import { literal, type OwnerSql } from './databaseOwner.ts';
import { expectData, type Ids, type TestChief } from './startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../../subgraphs/core/test/fixtures.ts';

/** A workspace with rows made by its owner and by a plain member in every table (idempotency keys included), and API keys of every state. */
export interface PolicyWorkspace {
  ws: WorkspaceFixture;
  /** Founders linked to the viewer's and the member's own user. */
  founders: { viewer: string; member: string };
  /** Task ids: made by the owner, made by the member, made by the owner and assigned to the member. */
  tasks: { owner: string; member: string; assigned: string };
  keys: Record<'read' | 'write' | 'revoked' | 'expired', string>;
}

const rowsBy = `mutation($founderId: ID, $platform: IntegrationPlatform!, $email: String!) {
  contact: createContact(input: { name: "Ada", email: $email }) { id }
  integration: connectIntegration(input: { platform: $platform, founderId: $founderId, credentials: { token: "t" } }) { id }
}`;

/**
 * Made through the API, so every row and event is what the application really writes. The owner
 * and the member each make a contact, a deal, an integration, a task and a task link, a
 * relationship and an interest, a sync job, a communication in its thread, two meetings (the first
 * with a participant and a transcript with a chunk) and two media assets (the first with a
 * transcript and a chunk): the second of each lets a copied transcript find a free parent; and
 * rows of every intel and flows table (the workspace's budget and model settings are the admins').
 */
export async function seedPolicyWorkspace(chief: TestChief, sql: OwnerSql, name: string): Promise<PolicyWorkspace> {
  const ws = await createWorkspaceFixture(chief, name);
  const { owner, admin, member, viewer } = ws.users;
  const founders = expectData(await chief.request<Ids<'viewer' | 'member'>>(
    `mutation($viewer: String!, $member: String!) {
      viewer: createFounder(input: { name: "Vera", email: "vera@founders.test", userId: $viewer }) { id }
      member: createFounder(input: { name: "Milo", email: "milo@founders.test", userId: $member }) { id }
    }`,
    { viewer: viewer.userId, member: member.userId }, { token: owner.token },
  ));
  const tasks: Record<string, string> = {};
  for (const [who, platform, founderId] of [[owner, 'GMAIL', ws.founderId], [member, 'SLACK', null]] as const) {
    const role = who === owner ? 'owner' : 'member';
    const made = expectData(await chief.request<Ids<'contact' | 'integration'>>(rowsBy, { founderId, platform, email: `${role}@contacts.test` }, { token: who.token }));
    const deal = expectData(await chief.request<Ids<'createDeal'>>(
      'mutation($c: ID!) { createDeal(input: { title: "Deal", contactId: $c }) { id } }', { c: made.contact.id }, { token: who.token },
    ));
    const task = expectData(await chief.request<Ids<'createTask'>>(
      'mutation($d: ID!) { createTask(input: { title: "Task", dealId: $d }) { id } }', { d: deal.createDeal.id }, { token: who.token },
    ));
    // Under an idempotency key, so ops.idempotency_keys holds a row of each too.
    expectData(await chief.request(
      'mutation($t: ID!, $x: String!) { linkTask(input: { taskId: $t, platform: LINEAR, externalId: $x }) { id } }',
      { t: task.createTask.id, x: `LIN-${role}` }, { token: who.token, headers: { 'idempotency-key': `link-${role}` } },
    ));
    tasks[role] = task.createTask.id;
    // The contact graph, a sync job and a communication in its thread (ingested under the job).
    const graph = expectData(await chief.request<Ids<'other' | 'job'>>(
      `mutation($i: ID!, $email: String!) {
        other: createContact(input: { name: "Grace", email: $email }) { id }
        job: startSyncJob(input: { integrationId: $i, jobType: INCREMENTAL_SYNC }) { id }
      }`, { i: made.integration.id, email: `grace-${role}@contacts.test` }, { token: who.token },
    ));
    expectData(await chief.request(
      `mutation($a: ID!, $b: ID!, $job: ID!, $items: [CommunicationInput!]!) {
        relateContacts(input: { contactId: $a, otherContactId: $b, type: COLLEAGUE }) { id }
        recordContactInterest(input: { contactId: $a, category: "sport", topic: "sailing", confidence: 0.6, evidence: { source: MANUAL } }) { id }
        ingestCommunications(items: $items, syncJobId: $job) { created }
      }`,
      {
        a: made.contact.id, b: graph.other.id, job: graph.job.id,
        items: [{ platform: 'GMAIL', externalId: `policy-${role}`, threadExternalId: `policy-thread-${role}`, direction: 'INBOUND', sender: { address: `${role}@contacts.test` }, receivedAt: new Date().toISOString() }],
      },
      { token: who.token },
    ));
    const hour = 3_600_000;
    const meeting = (n: number) => ({
      platform: 'ZOOM', externalId: `policy-${role}-${n}`, title: 'Sync', startTime: new Date(Date.now() - 2 * hour).toISOString(), endTime: new Date(Date.now() - hour).toISOString(),
      participants: [{ address: `${role}@contacts.test`, attendance: 'ATTENDED' }],
    });
    const meetings = expectData(await chief.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
      'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { results { meeting { id } } } }', { items: [meeting(1), meeting(2)] }, { token: who.token },
    )).ingestMeetings.results;
    const asset = (n: number, transcript: unknown) => ({
      platform: 'LOOM', externalId: `policy-${role}-${n}`, kind: 'VIDEO', title: 'Walkthrough', url: 'https://www.loom.com/share/policy', recordedAt: new Date().toISOString(), transcript,
    });
    expectData(await chief.request(
      `mutation($transcripts: [TranscriptInput!]!, $assets: [MediaAssetInput!]!) {
        attachTranscript(items: $transcripts) { created }
        ingestMediaAssets(items: $assets) { created }
      }`,
      {
        transcripts: [{ meetingId: meetings[0]!.meeting.id, chunks: [{ startSeconds: 0, endSeconds: 4, text: 'Hello' }] }],
        assets: [asset(1, { summary: 'A tour', chunks: [{ startSeconds: 0, endSeconds: 4, text: 'Hello' }] }), asset(2, null)],
      },
      { token: who.token },
    ));
  }
  // intel and flows: an insight, a briefing, a decision and a notification; two workflows, the
  // first with a checkpoint, a node, a model call and its own budget (the second has none, so a
  // copied budget finds a free workflow).
  for (const [who, founderId] of [[owner, ws.founderId], [member, founders.member.id]] as const) {
    const made = expectData(await chief.request<Ids<'first' | 'second'>>(
      `mutation($f: ID!, $k: String!) {
        createInsight(input: { kind: OTHER, title: "Policy", content: { summary: "Policy" }, confidence: 0.5 }) { id }
        createBriefing(input: { founderId: $f, kind: DAILY, periodStart: "2026-12-01T00:00:00Z", periodEnd: "2026-12-02T00:00:00Z", title: "Policy" }) { id }
        createDecision(input: { question: "Policy?", options: [{ key: "a", label: "A" }, { key: "b", label: "B" }] }) { id }
        raiseNotification(input: { kind: OTHER, title: "Policy", message: "Policy", dedupKey: $k }) { created }
        first: createWorkflow(input: { name: "Policy", objective: "Policy" }) { id }
        second: createWorkflow(input: { name: "Policy two", objective: "Policy" }) { id }
      }`, { f: founderId, k: `policy-${who.memberId}` }, { token: who.token },
    ));
    expectData(await chief.request(
      `mutation($w: ID!) {
        writeCheckpoint(input: { workflowId: $w, generation: 1, step: "policy", schemaVersion: "1.0", state: {} }) { id }
        updateWorkflowNodes(workflowId: $w, nodes: [{ key: "policy", type: TASK, label: "Policy" }]) { id }
        recordTokenUsage(input: { workflowId: $w, model: "local", inputTokens: 1, outputTokens: 1 }) { id }
        setBudget(input: { workflowId: $w, limitUsd: 1 }) { limitUsd }
      }`, { w: made.first.id }, { token: who.token },
    ));
  }
  expectData(await chief.request('mutation { setBudget(input: { limitUsd: 100 }) { limitUsd } }', {}, { token: owner.token }));
  const assigned = expectData(await chief.request<Ids<'createTask'>>(
    'mutation($m: ID!) { createTask(input: { title: "For the member", assigneeId: $m }) { id } }', { m: member.memberId }, { token: owner.token },
  ));
  const created = expectData(await chief.request<Record<keyof PolicyWorkspace['keys'], { apiKey: { id: string } }>>(
    `mutation {
      read: createApiKey(input: { name: "Read", scopes: [READ] }) { apiKey { id } }
      write: createApiKey(input: { name: "Write", scopes: [READ, WRITE] }) { apiKey { id } }
      revoked: createApiKey(input: { name: "Revoked", scopes: [READ, WRITE] }) { apiKey { id } }
      expired: createApiKey(input: { name: "Expired", scopes: [READ, WRITE] }) { apiKey { id } }
    }`, {}, { token: admin.token },
  ));
  const keys = Object.fromEntries(Object.entries(created).map(([k, v]) => [k, v.apiKey.id])) as PolicyWorkspace['keys'];
  expectData(await chief.request('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: keys.revoked }, { token: admin.token }));
  await sql.unsafe(`update core.api_keys set expires_at = now() - interval '1 minute' where id = ${literal(keys.expired)}`);
  return {
    ws,
    founders: { viewer: founders.viewer.id, member: founders.member.id },
    tasks: { owner: tasks.owner!, member: tasks.member!, assigned: assigned.createTask.id },
    keys,
  };
}
