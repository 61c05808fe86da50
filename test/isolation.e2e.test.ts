import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalTokens, type SubgraphName } from '@chief/runtime';
import { connectAsOwner, fingerprint, literal, tenantTables, type OwnerSql } from './support/databaseOwner.ts';
import { errorOf, expectData, startTestChief, TEST_ENV, type GraphQLResult, type TestChief, type Ids, type Page } from './support/startTestChief.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';
import { indexDrained, startTestIndexer } from './support/searchCorpus.ts';

/** Who in A probes B: the owner, who may do the most, and a plain member. */
const ACTORS = ['owner', 'member'] as const;

/** The idempotency key a workspace's seed links its task under. */
const seedKey = (ws: WorkspaceFixture) => `seed-link-${ws.id}`;
const LINK_TASK = 'mutation($taskId: ID!, $externalId: String!) { linkTask(input: { taskId: $taskId, platform: LINEAR, externalId: $externalId }) { id } }';

/** One row of every kind in a workspace, made through the API. */
interface Seeded {
  ws: WorkspaceFixture;
  contactId: string;
  dealId: string;
  integrationId: string;
  apiKeyId: string;
  taskId: string;
  taskLinkId: string;
  otherContactId: string;
  relationshipId: string;
  interestId: string;
  syncJobId: string;
  communicationId: string;
  threadId: string;
  meetingId: string;
  transcriptId: string;
  assetId: string;
  insightId: string;
  decisionId: string;
  notificationId: string;
  briefingId: string;
  agentSettingsId: string;
  workflowId: string;
  usageId: string;
}

async function seed(chief: TestChief, ws: WorkspaceFixture): Promise<Seeded> {
  const token = ws.users.owner.token;
  const core = expectData(await chief.request<Ids<'contact' | 'integration'> & { apiKey: { apiKey: { id: string } } }>(
    `mutation($founderId: ID!) {
      contact: createContact(input: { name: "Ada", email: "ada@example.test", tags: ["vip"], founderId: $founderId }) { id }
      integration: connectIntegration(input: { platform: GMAIL, founderId: $founderId, credentials: { refreshToken: "r-secret" } }) { id }
      apiKey: createApiKey(input: { name: "CI" }) { apiKey { id } }
    }`,
    { founderId: ws.founderId }, { token },
  ));
  const deal = expectData(await chief.request<Ids<'createDeal'>>(
    `mutation($contactId: ID!) { createDeal(input: { title: "Seed", stage: PROPOSAL, probability: 40, value: { amount: "1000.00", currency: "EUR" }, contactId: $contactId }) { id } }`,
    { contactId: core.contact.id }, { token },
  ));
  const task = expectData(await chief.request<Ids<'createTask'>>(
    `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
    { input: { title: "Follow up", assigneeId: ws.users.member.memberId, founderId: ws.founderId, contactId: core.contact.id, dealId: deal.createDeal.id } }, { token },
  ));
  const link = expectData(await chief.request<Ids<'linkTask'>>(LINK_TASK, { taskId: task.createTask.id, externalId: `LIN-${ws.id}` }, { token, headers: { 'idempotency-key': seedKey(ws) } }));
  const graph = expectData(await chief.request<Ids<'other' | 'job'>>(
    `mutation($i: ID!) {
      other: createContact(input: { name: "Grace", email: "grace@example.test" }) { id }
      job: startSyncJob(input: { integrationId: $i, jobType: FULL_SYNC }) { id }
    }`, { i: core.integration.id }, { token },
  ));
  const edges = expectData(await chief.request<Ids<'relateContacts' | 'recordContactInterest'>>(
    `mutation($a: ID!, $b: ID!) {
      relateContacts(input: { contactId: $a, otherContactId: $b, type: COLLEAGUE }) { id }
      recordContactInterest(input: { contactId: $a, category: "technology", topic: "compilers", confidence: 0.7, evidence: { source: MANUAL } }) { id }
    }`, { a: core.contact.id, b: graph.other.id }, { token },
  ));
  const ingested = expectData(await chief.request<{ ingestCommunications: { results: { communication: { id: string; thread: { id: string } } }[] } }>(
    `mutation($items: [CommunicationInput!]!, $job: ID) { ingestCommunications(items: $items, syncJobId: $job) { results { communication { id thread { id } } } } }`,
    { job: graph.job.id, items: [{ platform: 'GMAIL', externalId: `seed-${ws.id}`, threadExternalId: 'seed-thread', founderId: ws.founderId, direction: 'INBOUND', sender: { address: 'ada@example.test' }, subject: 'Ada writes', content: 'Hello', receivedAt: new Date().toISOString() }] },
    { token },
  )).ingestCommunications.results[0]!.communication;
  const now = Date.now();
  const meeting = expectData(await chief.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
    `mutation($items: [MeetingInput!]!, $job: ID) { ingestMeetings(items: $items, syncJobId: $job) { results { meeting { id } } } }`,
    { job: graph.job.id, items: [{ platform: 'ZOOM', externalId: `seed-${ws.id}`, founderId: ws.founderId, title: 'Seed sync', startTime: new Date(now - 3_600_000).toISOString(), endTime: new Date(now - 1_800_000).toISOString(), status: 'COMPLETED', participants: [{ address: 'ada@example.test', attendance: 'ATTENDED' }] }] },
    { token },
  )).ingestMeetings.results[0]!.meeting;
  const transcript = expectData(await chief.request<{ attachTranscript: { results: { transcript: { id: string } }[] } }>(
    `mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { results { transcript { id } } } }`,
    { items: [{ meetingId: meeting.id, summary: 'Seeded', actionItems: [{ description: 'Follow up' }], chunks: [{ speaker: 'Ada', startSeconds: 0, endSeconds: 5, text: `Hello from ${ws.id}` }] }] },
    { token },
  )).attachTranscript.results[0]!.transcript;
  const asset = expectData(await chief.request<{ ingestMediaAssets: { results: { mediaAsset: { id: string } }[] } }>(
    `mutation($items: [MediaAssetInput!]!) { ingestMediaAssets(items: $items) { results { mediaAsset { id } } } }`,
    { items: [{ platform: 'LOOM', externalId: `seed-${ws.id}`, founderId: ws.founderId, kind: 'VIDEO', title: 'Seed walkthrough', url: 'https://www.loom.com/share/seed', author: { address: 'ada@example.test' }, recordedAt: new Date(now).toISOString(), transcript: { summary: 'Seeded', chunks: [{ startSeconds: 0, endSeconds: 3, text: `Hello from ${ws.id}` }] } }] },
    { token },
  )).ingestMediaAssets.results[0]!.mediaAsset;
  const intel = expectData(await chief.request<Ids<'createInsight' | 'raiseNotification' | 'agentSettings'> & { raiseNotification: { notification: { id: string } } }>(
    `mutation($c: ID!, $m: ID!, $contact: ID!) {
      createInsight(input: { kind: FOLLOW_UP, title: "Ada waits", content: { summary: "Ada wrote" }, confidence: 0.9, evidence: [{ type: COMMUNICATION, id: $c }, { type: MEETING, id: $m }] }) { id }
      raiseNotification(input: { kind: GOING_COLD, title: "Ada is going cold", message: "No word in a month", subject: { type: CONTACT, id: $contact } }) { notification { id } }
    }`, { c: ingested.id, m: meeting.id, contact: core.contact.id }, { token },
  ));
  const settled = expectData(await chief.request<Ids<'createDecision' | 'createBriefing'> & { agentSettings: { id: string } }>(
    `mutation($i: ID!, $f: ID!) {
      createDecision(input: { question: "Call Ada?", options: [{ key: "call", label: "Call" }, { key: "wait", label: "Wait" }], insightIds: [$i] }) { id }
      createBriefing(input: { founderId: $f, kind: DAILY, periodStart: "2026-12-01T00:00:00Z", periodEnd: "2026-12-02T00:00:00Z", title: "Today", sections: [{ title: "Ada", body: "Waits", citations: [{ type: INSIGHT, id: $i }] }] }) { id }
    }`, { i: intel.createInsight.id, f: ws.founderId }, { token },
  ));
  const settings = expectData(await chief.request<{ agentSettings: { id: string } }>('{ agentSettings { id } }', {}, { token }));
  const workflow = expectData(await chief.request<Ids<'createWorkflow'>>(
    'mutation($m: ID!) { createWorkflow(input: { name: "Process the call", objective: "Summarise it", meetingId: $m, requiresApproval: false }) { id } }', { m: meeting.id }, { token },
  )).createWorkflow.id;
  const flows = expectData(await chief.request<Ids<'recordTokenUsage'>>(
    `mutation($w: ID!) {
      writeCheckpoint(input: { workflowId: $w, generation: 1, step: "transcript", nextStep: "summary", schemaVersion: "1.0.0", state: { done: ["transcript"] } }) { id }
      updateWorkflowNodes(workflowId: $w, nodes: [{ key: "summary", type: AGENT, label: "Summary", status: RUNNING }]) { id }
      recordTokenUsage(input: { workflowId: $w, model: "gpt-4o-mini", inputTokens: 1000, outputTokens: 100 }) { id }
      setBudget(input: { workflowId: $w, limitUsd: 0.5 }) { limitUsd }
    }`, { w: workflow }, { token },
  ));
  expectData(await chief.request('mutation { setBudget(input: { limitUsd: 20 }) { limitUsd } }', {}, { token }));
  return {
    workflowId: workflow,
    usageId: flows.recordTokenUsage.id,
    insightId: intel.createInsight.id,
    notificationId: intel.raiseNotification.notification.id,
    decisionId: settled.createDecision.id,
    briefingId: settled.createBriefing.id,
    agentSettingsId: settings.agentSettings.id,
    meetingId: meeting.id,
    transcriptId: transcript.id,
    assetId: asset.id,
    otherContactId: graph.other.id,
    relationshipId: edges.relateContacts.id,
    interestId: edges.recordContactInterest.id,
    syncJobId: graph.job.id,
    communicationId: ingested.id,
    threadId: ingested.thread.id,
    ws,
    contactId: core.contact.id,
    dealId: deal.createDeal.id,
    integrationId: core.integration.id,
    apiKeyId: core.apiKey.apiKey.id,
    taskId: task.createTask.id,
    taskLinkId: link.linkTask.id,
  };
}

describe('tenant isolation between two workspaces', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let a: Seeded;
  let b: Seeded;
  let tables: Map<string, string>;
  let before: Record<string, string>;
  let indexer: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    // With the search worker: B's rows are embedded (and found by meaning) before B is fingerprinted.
    chief = await startTestChief();
    sql = connectAsOwner();
    const alpha = await createWorkspaceFixture(chief, 'Alpha');
    const beta = await createWorkspaceFixture(chief, 'Beta');
    indexer = await startTestIndexer(chief, [alpha.id, beta.id]);
    a = await seed(chief, alpha);
    b = await seed(chief, beta);
    await indexDrained(chief, a.ws.users.owner.token);
    await indexDrained(chief, b.ws.users.owner.token);
    tables = await tenantTables(sql);
    before = await fingerprint(sql, tables, b.ws.id);
  });
  afterAll(async () => {
    await indexer?.stop();
    await sql?.end();
    await chief?.stop();
  });

  it('has a tenant column and rows of B in every table the database lists', () => {
    expect(tables.size).toBeGreaterThanOrEqual(12);
    for (const [table, column] of tables) {
      expect(column, `${table} has no workspace_id`).not.toBe('');
      expect(Number(before[table]!.split(':')[0]), `B has no rows in ${table}`).toBeGreaterThan(0);
    }
  });

  // A's owner can do the most in A; a plain member is who most callers are. Neither reaches B.
  describe.each(ACTORS)('in SQL, as the application role with the claims of A\'s %s', (actor) => {
    const actorId = () => a.ws.users[actor].userId;

    /** One statement in its own transaction as chief_app; the affected row count or the SQLSTATE. */
    async function asA(statement: string, workspaceId = a.ws.id): Promise<{ rows: number } | { error: string }> {
      try {
        const result = await sql.begin(async (tx) => {
          await tx.unsafe(
            `select set_config('role', 'chief_app', true), set_config('chief.user_id', ${literal(actorId())}, true),
                    set_config('chief.workspace_id', ${literal(workspaceId)}, true)`,
          );
          return tx.unsafe(statement);
        });
        return { rows: result.count };
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    }

    it('sees none of B, even with B named as the workspace', async () => {
      for (const [table, column] of tables) {
        for (const claimed of [a.ws.id, b.ws.id]) {
          const result = await sql.begin(async (tx) => {
            await tx.unsafe(`select set_config('role', 'chief_app', true), set_config('chief.user_id', ${literal(actorId())}, true), set_config('chief.workspace_id', ${literal(claimed)}, true)`);
            return tx.unsafe(`select count(*)::int as n from ${table} where ${column} = ${literal(b.ws.id)}`);
          });
          expect(result[0]!.n, `${table} (claims for ${claimed === a.ws.id ? 'A' : 'B'})`).toBe(0);
        }
      }
    });

    it('updates and deletes none of B', async () => {
      for (const [table, column] of tables) {
        for (const statement of [
          `update ${table} set ${column} = ${column} where ${column} = ${literal(b.ws.id)}`,
          `update ${table} set ${column} = ${literal(a.ws.id)} where ${column} = ${literal(b.ws.id)}`,
          `delete from ${table} where ${column} = ${literal(b.ws.id)}`,
        ]) {
          for (const claimed of [a.ws.id, b.ws.id]) {
            const outcome = await asA(statement, claimed);
            // Zero rows (RLS hid them) or a refusal (no grant on the append-only log).
            if ('rows' in outcome) expect(outcome.rows, statement).toBe(0);
            else expect(outcome.error, statement).toBe('42501');
          }
        }
      }
    });

    it('inserts nothing into B', async () => {
      for (const [table, column] of tables) {
        const [sample] = await sql.unsafe(`select row_to_json(t)::text as row from ${table} t where ${column} = ${literal(b.ws.id)} limit 1`);
        const row = JSON.parse(sample!.row as string) as Record<string, unknown>;
        if (column !== 'id' && 'id' in row) row.id = randomUUID();
        const columns = await sql.unsafe(
          `select column_name from information_schema.columns
            where table_schema || '.' || table_name = ${literal(table)} and is_identity = 'NO' and is_generated = 'NEVER'`,
        );
        const list = columns.map((c) => `"${c.column_name}"`).join(', ');
        for (const claimed of [a.ws.id, b.ws.id]) {
          const outcome = await asA(`insert into ${table} (${list}) select ${list} from json_populate_record(null::${table}, ${literal(JSON.stringify(row))}::json)`, claimed);
          expect(outcome, `insert into ${table}`).toEqual({ error: '42501' });
        }
      }
    });
  });

  describe.each(ACTORS)('through the gateway and the subgraphs, as A\'s %s', (actor) => {
    const tokenA = () => a.ws.users[actor].token;
    const ask = <TData = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, workspaceId?: string) =>
      chief.request<TData>(query, variables, { token: tokenA(), workspaceId });

    /** `_entities` as the gateway would send it for this caller of A, straight to a subgraph. */
    async function entities<TEntity = { id: string }>(
      subgraph: SubgraphName, typename: string, id: string, selection = 'id', fields: Record<string, string> = {},
    ): Promise<GraphQLResult<{ _entities: (TEntity | null)[] }>> {
      const internal = await createInternalTokens(TEST_ENV.SUBGRAPH_SECRET).sign({ kind: 'user', userId: a.ws.users[actor].userId, workspaceId: a.ws.id, scopes: ['read', 'write'] });
      return chief.request<{ _entities: (TEntity | null)[] }>(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`, { r: [{ __typename: typename, id, ...fields }] }, {
        url: chief.subgraphUrls[subgraph],
        headers: { authorization: `Bearer ${internal}` },
      });
    }

    /**
     * Refused as for an id that does not exist; a member may instead be refused for their role
     * before anything is looked up, which tells them nothing about B either.
     */
    const expectNotFound = (result: GraphQLResult<unknown>, what: string) => {
      const error = errorOf(result);
      if (actor === 'member' && error.code === 'FORBIDDEN' && /needs the admin role/.test(error.message ?? '')) return;
      expect(error.code, `${what}: ${JSON.stringify(result.body.errors)}`).toBe('NOT_FOUND');
    };

    /** A read by id answers as for an id that does not exist. */
    const expectHidden = (result: GraphQLResult<Record<string, unknown>>, field: string) => {
      expectNotFound(result, field);
      expect(result.body.data?.[field] ?? null).toBeNull();
    };

    /**
     * How each table is reached through the API, with B's ids. A table with no GraphQL surface
     * yet says so; the SQL checks above still cover it. A new table without an entry fails.
     */
    const probes: Record<string, (() => Promise<void>) | 'not exposed through GraphQL'> = {
      'core.workspaces': async () => {
        expect(errorOf(await ask('{ workspace { id } }', {}, b.ws.id)).code).toBe('FORBIDDEN');
        expect(errorOf(await ask('mutation { updateWorkspace(input: { name: "Taken" }) { id } }', {}, b.ws.id)).code).toBe('FORBIDDEN');
        const viewer = expectData(await ask<{ viewer: { workspaces: { id: string }[] } }>('{ viewer { workspaces { id } } }'));
        expect(viewer.viewer.workspaces.map((w) => w.id)).not.toContain(b.ws.id);
        expect(expectData(await entities('core', 'Workspace', b.ws.id))._entities).toEqual([null]);
      },
      'core.members': async () => {
        const id = b.ws.users.member.memberId;
        expectHidden(await ask('query($id: ID!) { member(id: $id) { id } }', { id }), 'member');
        expectNotFound(await ask('mutation($id: ID!) { changeMemberRole(id: $id, role: VIEWER) { id } }', { id }), 'changeMemberRole');
        expectNotFound(await ask('mutation($id: ID!) { removeMember(id: $id) }', { id }), 'removeMember');
        expect(expectData(await entities('core', 'Member', id))._entities).toEqual([null]);
        // work only extends Member: it answers the reference it was given, with none of B's tasks.
        const extended = expectData(await entities('work', 'Member', id, 'id assignedTasks { edges { node { id } } }'));
        expect(extended._entities).toEqual([{ id, assignedTasks: { edges: [] } }]);
      },
      'core.founders': async () => {
        const id = b.ws.founderId;
        expectHidden(await ask('query($id: ID!) { founder(id: $id) { id } }', { id }), 'founder');
        expectNotFound(await ask('mutation($id: ID!) { updateFounder(id: $id, input: { name: "Mallory" }) { id } }', { id }), 'updateFounder');
        expect(expectData(await entities('core', 'Founder', id))._entities).toEqual([null]);
      },
      'core.contacts': async () => {
        const id = b.contactId;
        expectHidden(await ask('query($id: ID!) { contact(id: $id) { id } }', { id }), 'contact');
        expect(expectData(await ask<{ contacts: Page<{ id: string }> }>('{ contacts(filter: { text: "Ada" }) { edges { node { id } } } }')).contacts.edges.map((e) => e.node.id)).toEqual([a.contactId]);
        expectNotFound(await ask('mutation($id: ID!) { updateContact(id: $id, input: { name: "Mallory" }) { id } }', { id }), 'updateContact');
        expectNotFound(await ask('mutation($id: ID!) { deleteContact(id: $id) }', { id }), 'deleteContact');
        expect(expectData(await entities('core', 'Contact', id))._entities).toEqual([null]);
      },
      'core.deals': async () => {
        const id = b.dealId;
        expectHidden(await ask('query($id: ID!) { deal(id: $id) { id } }', { id }), 'deal');
        expectNotFound(await ask('mutation($id: ID!) { updateDeal(id: $id, input: { probability: 1 }) { id } }', { id }), 'updateDeal');
        expectNotFound(await ask('mutation($id: ID!) { deleteDeal(id: $id) }', { id }), 'deleteDeal');
        // Pointing A's rows at B's rows is refused too.
        expect(errorOf(await ask('mutation($c: ID!) { createDeal(input: { title: "Poach", contactId: $c }) { id } }', { c: b.contactId })).code).toBe('NOT_FOUND');
        expect(expectData(await entities('core', 'Deal', id))._entities).toEqual([null]);
      },
      'core.integrations': async () => {
        const id = b.integrationId;
        expectHidden(await ask('query($id: ID!) { integration(id: $id) { id } }', { id }), 'integration');
        expect(expectData(await ask<{ integrations: Page<{ id: string }> }>('{ integrations { edges { node { id } } } }')).integrations.edges.map((e) => e.node.id)).toEqual([a.integrationId]);
        expectNotFound(await ask('mutation($id: ID!) { disconnectIntegration(id: $id) { id } }', { id }), 'disconnectIntegration');
        expect(expectData(await entities('core', 'Integration', id))._entities).toEqual([null]);
      },
      'core.api_keys': async () => {
        const id = b.apiKeyId;
        const listed = await ask<{ apiKeys: Page<{ id: string }> }>('{ apiKeys { edges { node { id } } } }');
        if (actor === 'member') expect(errorOf(listed).code).toBe('FORBIDDEN');
        else expect(expectData(listed).apiKeys.edges.map((e) => e.node.id)).toEqual([a.apiKeyId]);
        expectNotFound(await ask('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id }), 'revokeApiKey');
        expect(expectData(await entities('core', 'ApiKey', id))._entities).toEqual([null]);
      },
      'core.contact_relationships': async () => {
        expect(errorOf(await ask('mutation($a: ID!, $b: ID!) { relateContacts(input: { contactId: $a, otherContactId: $b, type: FRIEND }) { id } }', { a: a.contactId, b: b.contactId })).code).toBe('NOT_FOUND');
        expectNotFound(await ask('mutation($id: ID!) { unrelateContacts(id: $id) }', { id: b.relationshipId }), 'unrelateContacts');
        const mine = expectData(await ask<{ contact: { relationships: { id: string }[] } }>('query($id: ID!) { contact(id: $id) { relationships { id } } }', { id: a.contactId }));
        expect(mine.contact.relationships.map((r) => r.id)).toEqual([a.relationshipId]);
        expect(expectData(await entities('core', 'ContactRelationship', b.relationshipId))._entities).toEqual([null]);
      },
      'core.contact_interests': async () => {
        const record = await ask('mutation($c: ID!) { recordContactInterest(input: { contactId: $c, category: "technology", topic: "compilers", confidence: 1, evidence: { source: MANUAL } }) { id } }', { c: b.contactId });
        expect(errorOf(record).code).toBe('NOT_FOUND');
        expectNotFound(await ask('mutation($id: ID!) { removeContactInterest(id: $id) }', { id: b.interestId }), 'removeContactInterest');
        expect(expectData(await entities('core', 'ContactInterest', b.interestId))._entities).toEqual([null]);
      },
      'core.sync_jobs': async () => {
        expectHidden(await ask('query($id: ID!) { syncJob(id: $id) { id } }', { id: b.syncJobId }), 'syncJob');
        expect(expectData(await ask<{ syncJobs: Page<{ id: string }> }>('{ syncJobs { edges { node { id } } } }')).syncJobs.edges.map((e) => e.node.id)).toEqual([a.syncJobId]);
        expectNotFound(await ask('mutation($id: ID!) { updateSyncJob(id: $id, input: { cursor: "x" }) { id } }', { id: b.syncJobId }), 'updateSyncJob');
        expectNotFound(await ask('mutation($id: ID!) { finishSyncJob(id: $id, input: { status: CANCELLED }) { id } }', { id: b.syncJobId }), 'finishSyncJob');
        const ingest = await ask('mutation($j: ID!) { ingestCommunications(items: [], syncJobId: $j) { created } }', { j: b.syncJobId });
        expect(errorOf(ingest)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'syncJobId' });
        expect(errorOf(await ask('mutation($i: ID!) { startSyncJob(input: { integrationId: $i, jobType: FULL_SYNC }) { id } }', { i: b.integrationId })).code).toBe('NOT_FOUND');
        expect(expectData(await entities('core', 'SyncJob', b.syncJobId))._entities).toEqual([null]);
      },
      'comms.threads': async () => {
        expectHidden(await ask('query($id: ID!) { thread(id: $id) { id } }', { id: b.threadId }), 'thread');
        expect(expectData(await ask<{ threads: Page<{ id: string }> }>('{ threads { edges { node { id } } } }')).threads.edges.map((e) => e.node.id)).toEqual([a.threadId]);
        expect(expectData(await entities('comms', 'Thread', b.threadId))._entities).toEqual([null]);
      },
      'comms.communications': async () => {
        const id = b.communicationId;
        expectHidden(await ask('query($id: ID!) { communication(id: $id) { id } }', { id }), 'communication');
        expect(expectData(await ask<{ communications: Page<{ id: string }> }>('{ communications { edges { node { id } } } }')).communications.edges.map((e) => e.node.id)).toEqual([a.communicationId]);
        for (const mutation of ['markCommunicationRead', 'markCommunicationUnread', 'archiveCommunication', 'setCommunicationFollowUp', 'clearCommunicationFollowUp']) {
          expectNotFound(await ask(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id }), mutation);
        }
        // The same platform and external id in A is A's own communication, never B's.
        const same = { platform: 'GMAIL', externalId: `seed-${b.ws.id}`, direction: 'INBOUND', sender: { address: 'x@example.test' }, receivedAt: new Date().toISOString() };
        const mine = expectData(await ask<{ ingestCommunications: { results: { outcome: string; communication: { id: string } }[] } }>(
          'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { results { outcome communication { id } } } }', { items: [same] },
        ));
        expect(mine.ingestCommunications.results[0]!.outcome).toBe('CREATED');
        expect(mine.ingestCommunications.results[0]!.communication.id).not.toBe(id);
        await sql.unsafe(`delete from comms.communications where id = ${literal(mine.ingestCommunications.results[0]!.communication.id)}`);
        const inbox = expectData(await ask<{ founder: { inbox: Page<{ id: string }> } }>('query($f: ID!) { founder(id: $f) { inbox { edges { node { id } } } } }', { f: a.ws.founderId }));
        expect(inbox.founder.inbox.edges.map((e) => e.node.id)).toEqual([a.communicationId]);
        const extended = expectData(await entities('comms', 'Contact', b.contactId, 'id communications { edges { node { id } } }'));
        expect(extended._entities).toEqual([{ id: b.contactId, communications: { edges: [] } }]);
        expect(expectData(await entities('comms', 'Communication', id))._entities).toEqual([null]);
      },
      'meetings.meetings': async () => {
        const id = b.meetingId;
        expectHidden(await ask('query($id: ID!) { meeting(id: $id) { id } }', { id }), 'meeting');
        expect(expectData(await ask<{ meetings: Page<{ id: string }> }>('{ meetings { edges { node { id } } } }')).meetings.edges.map((e) => e.node.id)).toEqual([a.meetingId]);
        // The same platform and external id in A is A's own meeting, never B's.
        const same = { platform: 'ZOOM', externalId: `seed-${b.ws.id}`, title: 'Mine', startTime: new Date(Date.now() - 3_600_000).toISOString(), endTime: new Date().toISOString() };
        const mine = expectData(await ask<{ ingestMeetings: { results: { outcome: string; meeting: { id: string } }[] } }>(
          'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { results { outcome meeting { id } } } }', { items: [same] },
        )).ingestMeetings.results[0]!;
        expect(mine.outcome).toBe('CREATED');
        expect(mine.meeting.id).not.toBe(id);
        await sql.unsafe(`delete from meetings.meetings where id = ${literal(mine.meeting.id)}`);
        expect(expectData(await entities('meetings', 'Meeting', id))._entities).toEqual([null]);
        expect(expectData(await entities('meetings', 'Founder', b.ws.founderId, 'id meetings { edges { node { id } } }'))._entities).toEqual([{ id: b.ws.founderId, meetings: { edges: [] } }]);
        // work only extends Meeting: it answers the reference it was given, with none of B's tasks.
        expect(expectData(await entities('work', 'Meeting', id, 'id tasks { edges { node { id } } }'))._entities).toEqual([{ id, tasks: { edges: [] } }]);
      },
      'meetings.participants': async () => {
        // B's contact took part in B's meeting: through A, neither the link nor the meeting shows.
        const extended = expectData(await entities('meetings', 'Contact', b.contactId, 'id meetings { edges { node { id } } }'));
        expect(extended._entities).toEqual([{ id: b.contactId, meetings: { edges: [] } }]);
        const filtered = expectData(await ask<{ meetings: Page<{ id: string }> }>('query($c: ID!) { meetings(filter: { contactId: $c }) { edges { node { id } } } }', { c: b.contactId }));
        expect(filtered.meetings.edges).toEqual([]);
        const own = expectData(await ask<{ meeting: { participants: { contact: { id: string } | null }[] } }>('query($id: ID!) { meeting(id: $id) { participants { contact { id } } } }', { id: a.meetingId }));
        expect(own.meeting.participants).toEqual([{ contact: { id: a.contactId } }]);
      },
      'meetings.transcripts': async () => {
        expectHidden(await ask('query($id: ID!) { transcript(id: $id) { id } }', { id: b.transcriptId }), 'transcript');
        const attached = expectData(await ask<{ attachTranscript: { results: { error: { code: string; field: string } | null }[] } }>(
          'mutation($items: [TranscriptInput!]!) { attachTranscript(items: $items) { results { error { code field } } } }', { items: [{ meetingId: b.meetingId, summary: 'Mine' }] },
        ));
        expect(attached.attachTranscript.results[0]!.error).toEqual({ code: 'NOT_FOUND', field: 'items.0.meetingId' });
        expect(expectData(await entities('meetings', 'Transcript', b.transcriptId))._entities).toEqual([null]);
      },
      'meetings.transcript_chunks': async () => {
        expect(expectData(await entities('meetings', 'Transcript', b.transcriptId, 'id chunks { edges { node { text } } }'))._entities).toEqual([null]);
        const own = expectData(await entities<{ chunks: Page<{ text: string }> }>('meetings', 'Transcript', a.transcriptId, 'id chunks { edges { node { text } } }'));
        expect(own._entities[0]!.chunks.edges.map((e) => e.node.text)).toEqual([`Hello from ${a.ws.id}`]);
      },
      'media.media_assets': async () => {
        const id = b.assetId;
        expectHidden(await ask('query($id: ID!) { mediaAsset(id: $id) { id } }', { id }), 'mediaAsset');
        expect(expectData(await ask<{ mediaAssets: Page<{ id: string }> }>('{ mediaAssets { edges { node { id } } } }')).mediaAssets.edges.map((e) => e.node.id)).toEqual([a.assetId]);
        expect(expectData(await entities('media', 'MediaAsset', id))._entities).toEqual([null]);
        expect(expectData(await entities('media', 'Contact', b.contactId, 'id mediaAssets { edges { node { id } } }'))._entities).toEqual([{ id: b.contactId, mediaAssets: { edges: [] } }]);
      },
      'media.media_transcripts': async () => {
        expect(expectData(await entities('media', 'MediaAsset', b.assetId, 'id transcript { summary }'))._entities).toEqual([null]);
        const own = expectData(await entities<{ transcript: { summary: string } }>('media', 'MediaAsset', a.assetId, 'id transcript { summary }'));
        expect(own._entities[0]!.transcript).toEqual({ summary: 'Seeded' });
      },
      'media.media_chunks': async () => {
        expect(expectData(await entities('media', 'MediaAsset', b.assetId, 'id transcript { chunks { edges { node { text } } } }'))._entities).toEqual([null]);
        const own = expectData(await entities<{ transcript: { chunks: Page<{ text: string }> } }>('media', 'MediaAsset', a.assetId, 'id transcript { chunks { edges { node { text } } } }'));
        expect(own._entities[0]!.transcript.chunks.edges.map((e) => e.node.text)).toEqual([`Hello from ${a.ws.id}`]);
      },
      'intel.insights': async () => {
        const id = b.insightId;
        expectHidden(await ask('query($id: ID!) { insight(id: $id) { id } }', { id }), 'insight');
        expect(expectData(await ask<{ insights: Page<{ id: string }> }>('{ insights { edges { node { id } } } }')).insights.edges.map((e) => e.node.id)).toEqual([a.insightId]);
        expectNotFound(await ask('mutation($id: ID!) { updateInsight(id: $id, input: { status: DISMISSED }) { id } }', { id }), 'updateInsight');
        // Evidence from B is no evidence in A.
        const poached = await ask('mutation($c: ID!) { createInsight(input: { kind: OTHER, title: "Poach", content: { summary: "x" }, confidence: 0.5, evidence: [{ type: COMMUNICATION, id: $c }] }) { id } }', { c: b.communicationId });
        expect(errorOf(poached)).toMatchObject({ code: 'NOT_FOUND', field: 'input.evidence.0.id' });
        expect(expectData(await entities('intel', 'Insight', id))._entities).toEqual([null]);
        // intel only extends Founder: B's founder's brief, asked of intel by A, lists none of B's insights.
        expect(expectData(await entities('intel', 'Founder', b.ws.founderId, 'id morningBrief { insights { id } }'))._entities[0]).toMatchObject({ morningBrief: { insights: [] } });
      },
      'intel.decisions': async () => {
        const id = b.decisionId;
        expectHidden(await ask('query($id: ID!) { decision(id: $id) { id } }', { id }), 'decision');
        expectNotFound(await ask('mutation($id: ID!) { decide(id: $id, input: { chosenOption: "call" }) { id } }', { id }), 'decide');
        const poached = await ask('mutation($i: ID!) { createDecision(input: { question: "Poach?", options: [{ key: "a", label: "A" }, { key: "b", label: "B" }], insightIds: [$i] }) { id } }', { i: b.insightId });
        expect(errorOf(poached)).toMatchObject({ code: 'NOT_FOUND', field: 'input.insightIds.0' });
        expect(expectData(await entities('intel', 'Decision', id))._entities).toEqual([null]);
      },
      'intel.notifications': async () => {
        const id = b.notificationId;
        expectHidden(await ask('query($id: ID!) { notification(id: $id) { id } }', { id }), 'notification');
        expect(expectData(await ask<{ notifications: Page<{ id: string }> }>('{ notifications { edges { node { id } } } }')).notifications.edges.map((e) => e.node.id)).toEqual([a.notificationId]);
        for (const mutation of ['markNotificationRead', 'markNotificationUnread', 'dismissNotification']) {
          expectNotFound(await ask(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id }), mutation);
        }
        // The same nudge raised in A is A's own, never B's.
        const same = await ask<{ raiseNotification: { created: boolean; notification: { id: string } } }>(
          'mutation($c: ID!) { raiseNotification(input: { kind: GOING_COLD, title: "Ada is going cold", message: "x", subject: { type: CONTACT, id: $c } }) { created notification { id } } }', { c: b.contactId },
        );
        expect(errorOf(same)).toMatchObject({ code: 'NOT_FOUND', field: 'input.subject.id' });
        expect(expectData(await entities('intel', 'Notification', id))._entities).toEqual([null]);
      },
      'intel.briefings': async () => {
        const id = b.briefingId;
        expectHidden(await ask('query($id: ID!) { briefing(id: $id) { id } }', { id }), 'briefing');
        expectNotFound(await ask('mutation($id: ID!) { updateBriefing(id: $id, input: { title: "Mine" }) { id } }', { id }), 'updateBriefing');
        const poached = await ask('mutation($f: ID!) { createBriefing(input: { founderId: $f, kind: DAILY, periodStart: "2026-12-01T00:00:00Z", periodEnd: "2026-12-02T00:00:00Z", title: "Poach" }) { id } }', { f: b.ws.founderId });
        expect(errorOf(poached)).toMatchObject({ code: 'NOT_FOUND', field: 'input.founderId' });
        expect(errorOf(await ask('query($f: ID!) { morningBrief(founderId: $f) { asOf } }', { f: b.ws.founderId }))).toMatchObject({ code: 'NOT_FOUND', field: 'founderId' });
        expect(expectData(await entities('intel', 'Briefing', id))._entities).toEqual([null]);
        expect(expectData(await entities('intel', 'Founder', b.ws.founderId, 'id briefings { edges { node { id } } }'))._entities).toEqual([{ id: b.ws.founderId, briefings: { edges: [] } }]);
      },
      'intel.agent_settings': async () => {
        const mine = expectData(await ask<{ agentSettings: { id: string } }>('{ agentSettings { id } }'));
        expect(mine.agentSettings.id).toBe(a.agentSettingsId);
        expect(errorOf(await ask('{ agentSettings { id } }', {}, b.ws.id)).code).toBe('FORBIDDEN');
        expect(expectData(await entities('intel', 'AgentSettings', b.agentSettingsId))._entities).toEqual([null]);
      },
      'flows.workflows': async () => {
        const id = b.workflowId;
        expectHidden(await ask('query($id: ID!) { workflow(id: $id) { id } }', { id }), 'workflow');
        expect(expectData(await ask<{ workflows: Page<{ id: string }> }>('{ workflows { edges { node { id } } } }')).workflows.edges.map((e) => e.node.id)).toEqual([a.workflowId]);
        expectNotFound(await ask('mutation($id: ID!) { moveWorkflow(id: $id, input: { stage: CANCELLED }) { id } }', { id }), 'moveWorkflow');
        expectNotFound(await ask('mutation($id: ID!) { resumeWorkflow(id: $id) { generation } }', { id }), 'resumeWorkflow');
        const poached = await ask('mutation($m: ID!) { createWorkflow(input: { name: "Poach", objective: "x", meetingId: $m }) { id } }', { m: b.meetingId });
        expect(errorOf(poached)).toMatchObject({ code: 'NOT_FOUND', field: 'input.meetingId' });
        expect(expectData(await entities('flows', 'Workflow', id))._entities).toEqual([null]);
        expect(expectData(await entities('flows', 'Meeting', b.meetingId, 'id workflow { id }'))._entities).toEqual([{ id: b.meetingId, workflow: null }]);
      },
      'flows.workflow_states': async () => {
        const write = await ask('mutation($w: ID!) { writeCheckpoint(input: { workflowId: $w, generation: 1, step: "poach", schemaVersion: "1.0", state: {} }) { id } }', { w: b.workflowId });
        expectNotFound(write, 'writeCheckpoint');
        expect(expectData(await entities('flows', 'Workflow', b.workflowId, 'id latestCheckpoint { step }'))._entities).toEqual([null]);
      },
      'flows.workflow_nodes': async () => {
        const write = await ask('mutation($w: ID!) { updateWorkflowNodes(workflowId: $w, nodes: [{ key: "summary", status: SUCCESS }]) { id } }', { w: b.workflowId });
        expectNotFound(write, 'updateWorkflowNodes');
        expect(expectData(await entities('flows', 'Workflow', b.workflowId, 'id nodes { key }'))._entities).toEqual([null]);
      },
      'flows.token_usage': async () => {
        expect(expectData(await ask<{ tokenUsage: Page<{ id: string }> }>('{ tokenUsage { edges { node { id } } } }')).tokenUsage.edges.map((e) => e.node.id)).toEqual([a.usageId]);
        expect(expectData(await ask<{ tokenUsageTotals: { key: string }[] }>('{ tokenUsageTotals(by: WORKFLOW) { key } }')).tokenUsageTotals.map((t) => t.key)).toEqual([a.workflowId]);
        const record = await ask('mutation($w: ID!) { recordTokenUsage(input: { workflowId: $w, model: "gpt-4o", inputTokens: 1, outputTokens: 1 }) { id } }', { w: b.workflowId });
        expect(errorOf(record)).toMatchObject({ code: 'NOT_FOUND' });
        expect(expectData(await entities('flows', 'TokenUsage', b.usageId))._entities).toEqual([null]);
      },
      'flows.budgets': async () => {
        expect(expectData(await ask<{ workspace: { budget: { limitUsd: number } } }>('{ workspace { budget { limitUsd } } }')).workspace.budget.limitUsd).toBe(20);
        expectNotFound(await ask('mutation($w: ID!) { setBudget(input: { workflowId: $w, limitUsd: 9 }) { limitUsd } }', { w: b.workflowId }), 'setBudget');
        expect(errorOf(await entities('flows', 'Workspace', b.ws.id, 'id budget { limitUsd }')).code).toBe('NOT_FOUND');
      },
      'work.tasks': async () => {
        const id = b.taskId;
        expectHidden(await ask('query($id: ID!) { task(id: $id) { id } }', { id }), 'task');
        expect(expectData(await ask<{ tasks: Page<{ id: string }> }>('{ tasks { edges { node { id } } } }')).tasks.edges.map((e) => e.node.id)).toEqual([a.taskId]);
        expectNotFound(await ask('mutation($id: ID!) { updateTask(id: $id, input: { title: "Mine" }) { id } }', { id }), 'updateTask');
        expectNotFound(await ask('mutation($id: ID!) { completeTask(id: $id) { id } }', { id }), 'completeTask');
        expectNotFound(await ask('mutation($id: ID!) { deleteTask(id: $id) }', { id }), 'deleteTask');
        for (const [field, ref] of [['assigneeId', b.ws.users.member.memberId], ['founderId', b.ws.founderId], ['contactId', b.contactId], ['dealId', b.dealId]] as const) {
          const result = await ask('mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }', { input: { title: 'Poach', [field]: ref } });
          expect(errorOf(result), field).toMatchObject({ code: 'NOT_FOUND', field: `input.${field}` });
        }
        // A's entities extended by work list nothing of B.
        const mine = expectData(await ask<{ contact: { relatedTasks: Page<{ id: string }> } }>('query($id: ID!) { contact(id: $id) { relatedTasks { edges { node { id } } } } }', { id: a.contactId }));
        expect(mine.contact.relatedTasks.edges.map((e) => e.node.id)).toEqual([a.taskId]);
        expect(expectData(await entities('work', 'Task', id))._entities).toEqual([null]);
      },
      'work.task_links': async () => {
        expectNotFound(await ask('mutation($t: ID!) { linkTask(input: { taskId: $t, platform: JIRA, externalId: "X-1" }) { id } }', { t: b.taskId }), 'linkTask');
        expectNotFound(await ask('mutation($id: ID!) { unlinkTask(id: $id) }', { id: b.taskLinkId }), 'unlinkTask');
        expect(expectData(await entities('work', 'TaskLink', b.taskLinkId))._entities).toEqual([null]);
      },
      'ops.idempotency_keys': async () => {
        // B's key, sent again by A with B's very request: A's own key, so it runs (and finds no task).
        const retry = await chief.request(LINK_TASK, { taskId: b.taskId, externalId: `LIN-${b.ws.id}` }, { token: tokenA(), headers: { 'idempotency-key': seedKey(b.ws) } });
        expect(retry.headers.get('idempotent-replayed')).toBeNull();
        expectNotFound(retry, 'linkTask replayed');
      },
      'ops.events': async () => {
        const [event] = await sql.unsafe(`select id from ops.events where workspace_id = ${literal(b.ws.id)} and entity_id = ${literal(b.taskId)} limit 1`);
        expectHidden(await ask('query($id: ID!) { event(id: $id) { id } }', { id: event!.id }), 'event');
        const mine = expectData(await ask<{ events: Page<{ id: string }> }>('query($id: ID!) { events(filter: { entityId: $id }) { edges { node { id } } } }', { id: b.taskId }));
        expect(mine.events.edges).toEqual([]);
        const all = expectData(await ask<{ events: Page<{ id: string }> }>('{ events(first: 100) { edges { node { id } } } }'));
        const ofB = await sql.unsafe(`select id from ops.events where workspace_id = ${literal(b.ws.id)}`);
        expect(all.events.edges.map((e) => e.node.id)).not.toContain(ofB[0]!.id);
        expect(expectData(await entities('ops', 'Event', event!.id))._entities).toEqual([null]);
        // ops only extends Task: it answers the reference it was given, with none of B's history.
        const extended = expectData(await entities('ops', 'Task', b.taskId, 'id history { edges { node { id } } }'));
        expect(extended._entities).toEqual([{ id: b.taskId, history: { edges: [] } }]);
        // The control: A's own task, asked the same way, has its history.
        const own = expectData(await entities<{ history: Page<unknown> }>('ops', 'Task', a.taskId, 'id history { edges { node { id } } }'));
        expect(own._entities[0]?.history.edges.length).toBeGreaterThan(0);
      },
      'ops.event_actors': async () => {
        // B's owner's audit trail, asked of ops with the owner's own subject.
        const owner = b.ws.users.owner;
        const trail = expectData(await entities('ops', 'Member', owner.memberId, 'auditTrail { edges { node { id actors { actorId } } } }', { userId: owner.userId }));
        expect(trail._entities).toEqual([{ auditTrail: { edges: [] } }]);
        const mine = a.ws.users.owner;
        const own = expectData(await entities<{ auditTrail: Page<unknown> }>('ops', 'Member', mine.memberId, 'auditTrail { edges { node { id actors { actorId } } } }', { userId: mine.userId }));
        expect(own._entities[0]?.auditTrail.edges.length).toBeGreaterThan(0);
      },
      'ops.event_links': async () => {
        const [link] = await sql.unsafe(`select event_id from ops.event_links where workspace_id = ${literal(b.ws.id)} and entity_id = ${literal(b.taskLinkId)} limit 1`);
        expectHidden(await ask('query($id: ID!) { event(id: $id) { links { entityId } effects { id } } }', { id: link!.event_id }), 'event');
        const extended = expectData(await entities('ops', 'TaskLink', b.taskLinkId, 'id history { edges { node { id } } }'));
        expect(extended._entities).toEqual([{ id: b.taskLinkId, history: { edges: [] } }]);
        const own = expectData(await entities<{ history: Page<unknown> }>('ops', 'TaskLink', a.taskLinkId, 'id history { edges { node { id links { entityType } } } }'));
        expect(own._entities[0]?.history.edges.length).toBeGreaterThan(0);
      },
    };

    it('has a probe for every table the database lists', () => {
      expect(Object.keys(probes).sort()).toEqual([...tables.keys()].sort());
    });

    it.each(Object.keys(probes))('reads, changes and deletes nothing of B in %s', async (table) => {
      const probe = probes[table]!;
      if (typeof probe === 'function') await probe();
    });

    it('finds none of B by search, of any type, nor anything like B\'s entities', async () => {
      const ofB = new Set(Object.values(b).filter((v): v is string => typeof v === 'string'));
      const ofA = new Set(Object.values(a).filter((v): v is string => typeof v === 'string'));
      const q = 'Ada hello writes wrote waits cold seed walkthrough';
      const found = expectData(await ask<Record<string, { id?: string; [entity: string]: unknown }[]>>(
        `query($q: String!) {
          search(query: $q, first: 50) { id type node { __typename } }
          contacts: searchContacts(query: $q, first: 50) { contact { id } }
          communications: searchCommunications(query: $q, first: 50) { communication { id } }
          meetings: searchMeetings(query: $q, first: 50) { meeting { id } }
          media: searchMedia(query: $q, first: 50) { mediaAsset { id } }
          insights: searchInsights(query: $q, first: 50) { insight { id } }
        }`,
        { q },
      ));
      const ids = Object.values(found).flatMap((hits) => hits.map((hit) => hit.id ?? (Object.values(hit)[0] as { id: string }).id));
      expect(new Set(found.search!.map((h) => h.type))).toEqual(new Set(['CONTACT', 'COMMUNICATION', 'MEETING', 'MEDIA', 'INSIGHT']));
      expect(ids.filter((id) => ofB.has(id))).toEqual([]);
      expect(ids.every((id) => ofA.has(id))).toBe(true);
      // Naming B is refused before anything is searched; "more like this" of B's entities finds nothing.
      expect(errorOf(await ask('query($q: String!) { search(query: $q) { id } }', { q }, b.ws.id)).code).toBe('FORBIDDEN');
      expect(expectData(await entities('intel', 'Meeting', b.meetingId, 'id relatedContext(first: 50) { id }'))._entities).toEqual([{ id: b.meetingId, relatedContext: [] }]);
      expect(expectData(await entities('core', 'Contact', b.contactId, 'id similarContacts(first: 50) { contact { id } }'))._entities).toEqual([null]);
      expect(expectData(await entities('comms', 'Communication', b.communicationId, 'id similar(first: 50) { communication { id } }'))._entities).toEqual([null]);
    });
  });

  it('left every row of B exactly as it was', async () => {
    expect(await fingerprint(sql, tables, b.ws.id)).toEqual(before);
  });
});
