import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connectPostgres, startEmbeddedPostgres } from '@chief/db';
import { DEMO_WORKSPACE_ID } from '../scripts/demoData.ts';

const run = promisify(execFile);

/**
 * `npm run seed` as an operator runs it, into the configured database: here a fresh embedded data
 * folder of its own (PGLITE_DATA_DIR), opened afterwards to see what the command left there.
 */
describe('npm run seed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'chief-seed-'));
  const env = { ...process.env, NODE_ENV: '', DATABASE_URL: '', PGLITE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const seed = async () => (await run('npm', ['run', '-s', 'seed'], { env })).stdout;

  async function demoCounts() {
    const embedded = await startEmbeddedPostgres({ dataDir });
    const sql = connectPostgres(embedded.url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {} });
    try {
      const [row] = await sql.unsafe(`select
        (select count(*)::int from core.workspaces where id = '${DEMO_WORKSPACE_ID}') as workspaces,
        (select count(*)::int from core.members where workspace_id = '${DEMO_WORKSPACE_ID}') as members,
        (select count(*)::int from core.founders where workspace_id = '${DEMO_WORKSPACE_ID}') as founders,
        (select count(*)::int from core.contacts where workspace_id = '${DEMO_WORKSPACE_ID}') as contacts,
        (select count(*)::int from core.deals where workspace_id = '${DEMO_WORKSPACE_ID}') as deals,
        (select count(*)::int from work.tasks where workspace_id = '${DEMO_WORKSPACE_ID}') as tasks,
        (select count(*)::int from comms.threads where workspace_id = '${DEMO_WORKSPACE_ID}') as threads,
        (select count(*)::int from comms.communications where workspace_id = '${DEMO_WORKSPACE_ID}') as communications,
        (select count(*)::int from core.contact_relationships where workspace_id = '${DEMO_WORKSPACE_ID}') as relationships,
        (select count(*)::int from core.contact_interests where workspace_id = '${DEMO_WORKSPACE_ID}') as interests,
        (select count(*)::int from meetings.meetings where workspace_id = '${DEMO_WORKSPACE_ID}') as meetings,
        (select count(*)::int from meetings.transcripts where workspace_id = '${DEMO_WORKSPACE_ID}') as transcripts,
        (select count(*)::int from meetings.transcript_chunks where workspace_id = '${DEMO_WORKSPACE_ID}') as "transcriptChunks",
        (select count(*)::int from media.media_assets where workspace_id = '${DEMO_WORKSPACE_ID}') as media,
        (select count(*)::int from media.media_chunks where workspace_id = '${DEMO_WORKSPACE_ID}') as "mediaChunks",
        (select count(*)::int from core.contacts where workspace_id = '${DEMO_WORKSPACE_ID}' and last_interaction_at is not null) as "contactsInTouch",
        (select count(*)::int from intel.insights where workspace_id = '${DEMO_WORKSPACE_ID}' and jsonb_array_length(evidence) > 0) as "insightsWithEvidence",
        (select count(*)::int from intel.briefings where workspace_id = '${DEMO_WORKSPACE_ID}') as briefings,
        (select count(*)::int from intel.decisions where workspace_id = '${DEMO_WORKSPACE_ID}') as decisions,
        (select count(*)::int from intel.notifications where workspace_id = '${DEMO_WORKSPACE_ID}') as notifications,
        (select count(*)::int from flows.workflows where workspace_id = '${DEMO_WORKSPACE_ID}' and stage = 'building') as "runningWorkflows",
        (select count(*)::int from flows.workflow_nodes where workspace_id = '${DEMO_WORKSPACE_ID}') as "workflowNodes",
        (select count(*)::int from flows.workflow_states where workspace_id = '${DEMO_WORKSPACE_ID}') as checkpoints,
        (select count(*)::int from flows.token_usage where workspace_id = '${DEMO_WORKSPACE_ID}') as "modelCalls",
        (select count(*)::int from ops.events where workspace_id = '${DEMO_WORKSPACE_ID}' and type not like 'intel.%' and type not like 'flows.%') as events,
        (select count(*)::int from ops.events where workspace_id = '${DEMO_WORKSPACE_ID}' and (type like 'intel.%' or type like 'flows.%')) as "intelFlowsEvents"`);
      return row!;
    } finally {
      await sql.end();
      await embedded.stop();
    }
  }

  it('loads the demo workspace into a fresh database, migrating it first', async () => {
    expect(await seed()).toMatch(new RegExp(`Acme Robotics \\(${DEMO_WORKSPACE_ID}\\): loaded`));
    const counts = await demoCounts();
    expect(counts).toMatchObject({ workspaces: 1, members: 4, founders: 1, contacts: 5, deals: 3, tasks: 8, threads: 6, communications: 25, relationships: 3, interests: 3, meetings: 4, transcripts: 3, transcriptChunks: 9, media: 2, mediaChunks: 6, contactsInTouch: 5,
      insightsWithEvidence: 2, briefings: 1, decisions: 1, notifications: 2, runningWorkflows: 1, workflowNodes: 9, checkpoints: 2, modelCalls: 5 });
    // One event per row made through the API (the owner's membership comes with the workspace).
    // Meetings, transcripts and media assets are one event each, whatever their parts.
    const rows = counts.founders + counts.contacts + counts.deals + counts.tasks + counts.threads + counts.communications + counts.relationships + counts.interests
      + counts.meetings + counts.transcripts + counts.media;
    expect(counts.events).toBe(counts.workspaces + counts.members - 1 + rows);
    // intel and flows: one per insight, briefing, decision, notification, the budget, each workflow
    // made, each stage moved (3), each map change (2), checkpoint (2), model call (4) and the authorization asked for one.
    expect(counts.intelFlowsEvents).toBe(2 + 1 + 1 + 2 + 1 + 2 + 3 + 2 + 2 + 5);
  });

  it('changes nothing when the demo workspace is already there', async () => {
    const before = await demoCounts();
    expect(await seed()).toMatch(/already there, nothing changed/);
    expect(await demoCounts()).toEqual(before);
  });
});
