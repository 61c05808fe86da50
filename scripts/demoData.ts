import { runOperation, type Identity } from '@chief/runtime';
import type { SqlClient } from '@chief/db';
import { createContact, createDeal, createFounder, createWorkspace, inviteMember, recordContactInterest, relateContacts } from '@chief/subgraph-core';
import { ingestCommunications } from '@chief/subgraph-comms';
import { attachTranscript, ingestMeetings } from '@chief/subgraph-meetings';
import { ingestMediaAssets } from '@chief/subgraph-media';
import { createTask } from '@chief/subgraph-work';
import { createBriefing, createDecision, createInsight, raiseNotification } from '@chief/subgraph-intel';
import { authorizeModelCall, createWorkflow, moveWorkflow, recordTokenUsage, setBudget, updateWorkflowNodes, writeCheckpoint } from '@chief/subgraph-flows';

/** Fixed ids, so development tokens can name the demo workspace without a lookup. */
export const DEMO_WORKSPACE_ID = '00000000-0000-4000-8000-00000000c41e';
export const demoUserId = (role: string) => `demo|${role}`;
export const DEMO_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

const owner: Identity = { kind: 'user', userId: demoUserId('owner'), workspaceId: DEMO_WORKSPACE_ID, scopes: ['read', 'write'] };

/**
 * Loads the demo workspace on first start, through the same domain functions (and so the same
 * row-level security and events) as the API. Returns false when it is already there.
 */
export async function loadDemoData(sql: SqlClient): Promise<boolean> {
  const [exists] = await sql.unsafe(`select 1 from core.workspaces where id = '${DEMO_WORKSPACE_ID}'`);
  if (exists) return false;
  await runOperation(sql, { ...owner, workspaceId: null }, (r) =>
    createWorkspace(r, { name: 'Acme Robotics', slug: 'acme-robotics', ownerName: 'Olivia Owner', ownerEmail: 'olivia@acme.test' }, { id: DEMO_WORKSPACE_ID }),
  );
  return runOperation(sql, owner, async (r) => {
    const people = { admin: 'Adam Admin', member: 'Mia Member', viewer: 'Victor Viewer' } as const;
    const memberIds: Record<string, string> = {};
    for (const [role, name] of Object.entries(people)) {
      const m = await inviteMember(r, { userId: demoUserId(role), role, name, email: `${role}@acme.test` });
      memberIds[role] = m.id;
    }
    const founder = await createFounder(r, { name: 'Ada Lovelace', email: 'ada@acme.test', title: 'CEO', timezone: 'Europe/London' });
    const contactSeeds = [
      { name: 'Grace Hopper', email: 'grace@navy.test', company: 'Compilers Capital', jobTitle: 'Partner', tags: ['investor', 'seed'] },
      { name: 'Alan Turing', email: 'alan@bletchley.test', company: 'Bletchley Labs', jobTitle: 'CTO', tags: ['customer'] },
      { name: 'Katherine Johnson', email: 'kj@orbit.test', company: 'Orbit Analytics', jobTitle: 'Head of Data', tags: ['customer', 'pilot'] },
      { name: 'Linus Pauling', email: 'linus@vitamin.test', company: 'Vitamin Ventures', jobTitle: 'Principal', tags: ['investor'] },
      { name: 'Hedy Lamarr', email: 'hedy@spread.test', company: 'Spread Spectrum', jobTitle: 'CEO', tags: ['partner'] },
    ];
    const contacts = [];
    for (const c of contactSeeds) contacts.push(await createContact(r, { ...c, founderId: founder.id }));
    const deals = [
      await createDeal(r, { title: 'Seed round: Compilers Capital', stage: 'negotiation', probability: 60, value: { amount: '1500000.00', currency: 'USD' }, contactId: contacts[0]!.id, founderId: founder.id }),
      await createDeal(r, { title: 'Bletchley Labs annual licence', stage: 'proposal', probability: 40, value: { amount: '48000.00', currency: 'EUR' }, contactId: contacts[1]!.id, founderId: founder.id }),
      await createDeal(r, { title: 'Orbit Analytics pilot', stage: 'qualified', probability: 25, value: { amount: '12000.00', currency: 'USD' }, contactId: contacts[2]!.id, founderId: founder.id }),
    ];
    const day = 86_400_000;
    const taskSeeds = [
      { title: 'Send term sheet comments to Grace', priority: 'urgent', dueAt: new Date(Date.now() + day), contactId: contacts[0]!.id, dealId: deals[0]!.id, assigneeId: memberIds.admin },
      { title: 'Prepare licence proposal for Bletchley', priority: 'high', dueAt: new Date(Date.now() + 3 * day), contactId: contacts[1]!.id, dealId: deals[1]!.id, assigneeId: memberIds.member },
      { title: 'Book pilot kickoff with Orbit', priority: 'medium', dueAt: new Date(Date.now() + 5 * day), contactId: contacts[2]!.id, dealId: deals[2]!.id, assigneeId: memberIds.member },
      { title: 'Update investor CRM notes', priority: 'low', contactId: contacts[3]!.id, assigneeId: memberIds.member, status: 'in_progress' },
      { title: 'Intro Hedy to the hardware team', priority: 'medium', contactId: contacts[4]!.id, status: 'blocked' },
      { title: 'Draft monthly investor update', priority: 'high', dueAt: new Date(Date.now() + 2 * day), assigneeId: memberIds.admin },
      { title: 'Review Q3 burn with finance', priority: 'medium', status: 'done', completedAt: new Date(Date.now() - day) },
    ];
    for (const t of taskSeeds) await createTask(r, { ...t, founderId: founder.id });
    const inbox = await loadDemoInbox(r, founder.id, contacts);
    const termSheet = await loadDemoMeetingsAndMedia(r, founder.id, contacts);
    await loadDemoIntelAndFlows(r, founder.id, contacts, inbox, termSheet);
    return true;
  });
}

type Request = Parameters<typeof createTask>[0];

/**
 * A realistic week of Ada's inbox: email threads with an investor and customers, Slack with the
 * team, a cold intro; ingested like a connector would, so the contacts' strength, last interaction
 * and events are what ingestion makes of it. Plus how the contacts know each other and what they
 * care about.
 */
async function loadDemoInbox(r: Request, founderId: string, contacts: { id: string }[]) {
  const hour = 3_600_000;
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * hour);
  const ada = { address: 'ada@acme.test', name: 'Ada Lovelace' };
  const to = (address: string, name: string) => [{ address, name, kind: 'to' }];
  const threads: [thread: string, subject: string, from: { address: string; name: string }, platform: string, messages: [hoursAgo: number, inbound: boolean, content: string, urgency?: string][]][] = [
    ['term-sheet', 'Seed term sheet: Compilers Capital', { address: 'grace@navy.test', name: 'Grace Hopper' }, 'gmail', [
      [150, true, 'Ada, attached is our draft term sheet for the seed. Valuation cap and pro-rata are open to discussion.', 'high'],
      [146, false, 'Thanks Grace. We will come back with comments on the pro-rata clause by Thursday.'],
      [98, true, 'Any update on the comments? Our partnership meets on Monday and I would love to bring this in.', 'urgent'],
      [20, true, 'Quick nudge on the term sheet: can we find 20 minutes tomorrow?', 'urgent'],
    ]],
    ['licence', 'Bletchley Labs: annual licence', { address: 'alan@bletchley.test', name: 'Alan Turing' }, 'gmail', [
      [130, true, 'We are keen to move from the pilot to an annual licence. Could you send a proposal for 40 seats?', 'high'],
      [126, false, 'Great news, Alan. Proposal coming this week, with volume pricing.'],
      [60, true, 'Our procurement team asks for the security questionnaire with the proposal.', 'normal'],
    ]],
    ['pilot', 'Orbit pilot kickoff', { address: 'kj@orbit.test', name: 'Katherine Johnson' }, 'gmail', [
      [110, true, 'We are ready to kick off the pilot. Which week suits your team?', 'normal'],
      [40, true, 'Sharing our data schema ahead of the kickoff. Happy to walk you through it.', 'low'],
    ]],
    ['vitamin', 'Intro: Acme x Vitamin Ventures', { address: 'linus@vitamin.test', name: 'Linus Pauling' }, 'gmail', [
      [170, true, 'Hedy suggested we talk. We lead seed rounds in robotics. Coffee next week?', 'normal'],
    ]],
    ['hardware', '#hardware', { address: 'hedy@spread.test', name: 'Hedy Lamarr' }, 'slack', [
      [90, true, 'The new actuator samples arrived; latency is 30% better than spec.', 'normal'],
      [30, true, 'Can someone from your team join our Friday review?', 'high'],
      [5, true, 'Friday review moved to 3pm.', 'normal'],
    ]],
  ];
  // The team's own channel: internal, its senders matched to members by email.
  const team = [['admin@acme.test', 'Adam Admin'], ['member@acme.test', 'Mia Member']] as const;
  const standup = [
    'Shipped the firmware fix for the gripper.', 'Bletchley wants the security questionnaire, who owns it?', 'I do, draft by Wednesday.',
    'Orbit pilot needs two engineers in week 2.', 'Investor update draft is in the shared drive.', 'Burn for October came in 8% under plan.',
    'Grace is waiting on our term sheet comments.', 'Legal review of the pro-rata clause done.', 'Hedy asked for someone at Friday review.',
    'I can go on Friday.', 'Demo unit back from repair.', 'Hiring: two onsite interviews tomorrow.',
  ];
  const internal = standup.map((content, n) => ({
    platform: 'slack', externalId: `demo-standup-${n}`, threadExternalId: 'demo-standup', founderId, direction: 'internal',
    sender: { address: team[n % 2]![0], name: team[n % 2]![1] }, recipients: to(ada.address, ada.name), subject: n === 0 ? '#standup' : null,
    content, receivedAt: new Date(at(160 - n * 13)), urgency: content.includes('waiting') ? 'high' : 'low', topics: ['team'],
  }));
  const items = [...internal, ...threads.flatMap(([thread, subject, from, platform, messages]) =>
    messages.map(([hoursAgo, inbound, content, urgency], n) => ({
      platform,
      externalId: `demo-${thread}-${n}`,
      threadExternalId: `demo-${thread}`,
      founderId,
      direction: inbound ? 'inbound' : 'outbound',
      sender: inbound ? from : ada,
      recipients: inbound ? to(ada.address, ada.name) : to(from.address, from.name),
      subject: n === 0 ? subject : `Re: ${subject}`,
      content,
      receivedAt: new Date(at(hoursAgo)),
      urgency: urgency ?? 'normal',
      topics: thread === 'term-sheet' || thread === 'vitamin' ? ['fundraising'] : ['customers'],
      sentiment: { score: urgency === 'urgent' ? -0.1 : 0.5, label: urgency === 'urgent' ? 'neutral' : 'positive', confidence: 0.7, keywords: [] },
    })),
  )];
  const ingested = written(await ingestCommunications(r, items, null)).results.map((result) => result.node!.id);
  const [grace, alan, kj, linus, hedy] = contacts.map((c) => c.id);
  await relateContacts(r, { contactId: hedy, otherContactId: linus, type: 'introduced_by', strength: 0.7 });
  await relateContacts(r, { contactId: grace, otherContactId: linus, type: 'investor', strength: 0.5 });
  await relateContacts(r, { contactId: alan, otherContactId: kj, type: 'colleague', strength: 0.4 });
  await recordContactInterest(r, { contactId: grace, category: 'investing', topic: 'developer tools', confidence: 0.8, evidence: { source: 'manual' } });
  await recordContactInterest(r, { contactId: hedy, category: 'technology', topic: 'actuators', confidence: 0.7, evidence: { source: 'manual' } });
  // The standup's burn line and Grace's latest nudge, for the insights that rest on them.
  return { burn: ingested[5]!, graceNudge: ingested[internal.length + 3]! };
}

/**
 * The same week's meetings (two with transcripts, summaries and action items, one transcript still
 * processing, one meeting ahead), a task made from an action item, and a Loom walkthrough and a
 * deck with their text.
 */
async function loadDemoMeetingsAndMedia(r: Request, founderId: string, contacts: { id: string }[]) {
  const hour = 3_600_000;
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * hour);
  const meeting = (externalId: string, platform: string, title: string, hoursAgo: number, minutes: number, people: string[], status = 'completed') => ({
    platform, externalId, founderId, title, status, startTime: at(hoursAgo), endTime: at(hoursAgo - minutes / 60),
    recordingUrl: status === 'completed' ? `https://recordings.acme.test/${externalId}` : null,
    participants: [
      { address: 'ada@acme.test', name: 'Ada Lovelace', role: 'organizer', attendance: status === 'completed' ? 'attended' : 'accepted' },
      ...people.map((address) => ({ address, attendance: status === 'completed' ? 'attended' : 'invited' })),
    ],
  });
  const held = written(await ingestMeetings(r, [
    meeting('zoom-term-sheet', 'zoom', 'Seed round: term sheet review', 50, 45, ['grace@navy.test', 'linus@vitamin.test']),
    meeting('meet-bletchley-scope', 'google_meet', 'Bletchley licence scoping', 98, 60, ['alan@bletchley.test']),
    meeting('huddle-standup', 'slack', 'Weekly team standup', 74, 20, ['admin@acme.test', 'member@acme.test']),
    meeting('meet-orbit-kickoff', 'google_meet', 'Orbit pilot kickoff', -46, 30, ['kj@orbit.test'], 'scheduled'),
  ], null));
  const [termSheet, bletchley] = held.results.map((result) => result.node!);
  const lines = (speakers: string[], passages: string[]) =>
    passages.map((text, i) => ({ speaker: speakers[i % speakers.length], startSeconds: i * 40, endSeconds: i * 40 + 38, text }));
  written(await attachTranscript(r, [
    {
      meetingId: termSheet!.id, status: 'completed', language: 'en', provider: 'fireflies',
      summary: 'Compilers Capital will lead at a $12M cap; pro rata and the board seat are agreed, the option pool size is still open.',
      actionItems: [
        { description: 'Send redlined term sheet to Grace', assignee: 'ada@acme.test', priority: 'urgent', dueDate: at(-24).toISOString().slice(0, 10) },
        { description: 'Model a 10% vs 15% option pool for Linus', assignee: 'admin@acme.test', priority: 'high' },
      ],
      sopSteps: [{ title: 'Collect redlines from counsel' }, { title: 'Confirm the pool size with the board', owner: 'Ada Lovelace' }, { title: 'Sign and circulate' }],
      chunks: lines(['Grace Hopper', 'Ada Lovelace', 'Linus Pauling'], [
        'Thanks for making time. We are ready to lead the round at twelve on the cap.',
        'That works for us. The pro rata rights you asked for are fine.',
        'Vitamin would like to take a small allocation alongside.',
        'We want the option pool sized before close, not after.',
        'Then let us model ten and fifteen percent and decide by Friday.',
        'I will send the redlined term sheet tomorrow morning.',
      ]),
    },
    {
      meetingId: bletchley!.id, status: 'completed', language: 'en', provider: 'zoom',
      summary: 'Bletchley wants an annual licence for 40 seats with SSO; security review first.',
      actionItems: [{ description: 'Send the security questionnaire answers to Alan', priority: 'medium' }],
      chunks: lines(['Alan Turing', 'Ada Lovelace'], [
        'We would start with forty seats across two labs.',
        'Single sign-on is a must for our security team.',
        'We can do SSO on the annual plan; I will send our security answers.',
      ]),
    },
    { platform: 'slack', meetingExternalId: 'huddle-standup', status: 'processing' },
  ], null));
  await createTask(r, { title: 'Send redlined term sheet to Grace', priority: 'urgent', founderId, contactId: contacts[0]!.id, sourceType: 'meeting', sourceId: termSheet!.id });
  await recordContactInterest(r, { contactId: contacts[1]!.id, category: 'security', topic: 'single sign-on', confidence: 0.75, evidence: { source: 'meeting', id: bletchley!.id } });
  written(await ingestMediaAssets(r, [
    {
      platform: 'loom', externalId: 'loom-orbit-demo', kind: 'video', title: 'Product walkthrough for Orbit', founderId,
      url: 'https://www.loom.com/share/orbit-demo', thumbnailUrl: 'https://cdn.loom.test/orbit-demo.jpg', mimeType: 'video/mp4', durationSeconds: 312,
      status: 'ready', author: { address: 'admin@acme.test' }, recordedAt: at(30),
      transcript: {
        language: 'en', summary: 'A five-minute tour of fleet onboarding and the analytics export Orbit asked for.',
        chunks: lines(['Adam Admin'], ['Here is how a new robot joins the fleet.', 'Telemetry shows up in the dashboard within a minute.', 'And this is the CSV export your data team asked about.']),
      },
    },
    {
      platform: 'google_drive', externalId: 'drive-seed-deck-v7', kind: 'document', title: 'Seed deck v7', founderId,
      url: 'https://drive.acme.test/seed-deck-v7', mimeType: 'application/pdf', status: 'ready', author: { address: 'ada@acme.test' }, recordedAt: at(120),
      transcript: {
        language: 'en',
        chunks: [
          { page: 1, text: 'Acme Robotics: warehouse robots that learn a site in a day.' },
          { page: 4, text: 'Traction: 14 pilots, 3 paid, $38k MRR.' },
          { page: 9, text: 'The ask: $3M seed to reach 40 paying sites.' },
        ],
      },
    },
  ], null));
  return termSheet!.id;
}

/**
 * What Chief made of the week: insights resting on the messages and the meeting behind them, a
 * decision, today's briefing, nudges; the term-sheet meeting's pipeline running live with its map,
 * checkpoints and model calls; a plan waiting for approval; and a monthly model budget.
 */
async function loadDemoIntelAndFlows(r: Request, founderId: string, contacts: { id: string }[], inbox: { burn: string; graceNudge: string }, termSheetId: string) {
  const waiting = await createInsight(r, {
    kind: 'follow_up', founderId, title: 'Grace has waited six days for the term sheet comments', confidence: 0.92, impactScore: 0.9,
    content: {
      summary: 'Compilers Capital is ready to lead; their partnership meets Monday and the redlines are not sent.',
      details: 'Grace nudged twice (98 and 20 hours ago). The meeting agreed the cap and pro rata; the option pool is open.',
      metrics: [{ name: 'daysWaiting', value: 6 }, { name: 'nudges', value: 2 }],
      recommendations: ['Send the redlined term sheet today', 'Propose a 20-minute call tomorrow'],
    },
    evidence: [{ type: 'communication', id: inbox.graceNudge }, { type: 'meeting', id: termSheetId }],
  });
  const burn = await createInsight(r, {
    kind: 'metric', founderId, title: 'October burn came in 8% under plan', confidence: 0.7, impactScore: 0.5,
    content: { summary: 'The team reported October burn 8% under plan.', metrics: [{ name: 'burnVsPlanPercent', value: -8 }], recommendations: ['Mention it in the investor update'] },
    evidence: [{ type: 'communication', id: inbox.burn }],
  });
  await createDecision(r, {
    founderId, question: 'Size the option pool at 10% or 15% before the seed closes?', context: 'Linus asked for a model of both before Friday.',
    options: [
      { key: 'ten', label: '10% pool', pros: ['Less dilution now'], cons: ['May need a top-up at Series A'] },
      { key: 'fifteen', label: '15% pool', pros: ['Room for the first ten hires'], cons: ['More dilution for founders'] },
    ],
    insightIds: [waiting.id],
  });
  const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
  await createBriefing(r, {
    founderId, kind: 'daily', periodStart: today, periodEnd: new Date(today.getTime() + 86_400_000), status: 'ready', title: 'Your morning, Ada',
    summary: 'One investor waiting, a licence proposal due, and burn under plan.',
    sections: [
      { title: 'Reply first', body: 'Grace is waiting on the term sheet comments; her partnership meets Monday.', citations: [{ type: 'insight', id: waiting.id }, { type: 'communication', id: inbox.graceNudge }] },
      { title: 'Good news', body: 'October burn came in 8% under plan.', citations: [{ type: 'insight', id: burn.id }] },
    ],
  });
  await raiseNotification(r, { kind: 'follow_up', priority: 'high', founderId, title: 'Reply to Grace', message: 'Grace nudged you about the term sheet 20 hours ago.', subject: { type: 'contact', id: contacts[0]!.id } });
  await raiseNotification(r, { kind: 'going_cold', founderId, title: 'Linus is going cold', message: 'No word from Linus Pauling in a week since his intro.', subject: { type: 'contact', id: contacts[3]!.id } });
  await setBudget(r, { limitUsd: 50, workflowLimitUsd: 0.5 });

  // The term-sheet meeting's pipeline, live: the summary is done, action items are being extracted.
  const pipeline = await createWorkflow(r, {
    kind: 'meeting_ingestion', name: 'Process: Seed round term sheet review', objective: 'Recording → transcript → summary → action items → tasks → tracker links',
    founderId, meetingId: termSheetId, requiresApproval: false, orchestrator: 'chief-pipelines 1.0.0',
  });
  for (const stage of ['orchestrating', 'building']) await moveWorkflow(r, pipeline.id, { stage });
  const steps = [
    ['transcript', 'task', 'Transcript', 'success', 100, 'Transcript received from Fireflies'],
    ['chunks', 'task', 'Chunks', 'success', 100, 'Split into 6 passages'],
    ['summary', 'agent', 'Summary', 'success', 100, 'Summarised the call'],
    ['action_items', 'agent', 'Action items', 'running', 60, 'Reading who promised what...'],
    ['tasks', 'task', 'Tasks', 'pending', 0, null],
    ['tracker_links', 'integration', 'Linear', 'pending', 0, null],
  ] as const;
  await updateWorkflowNodes(r, pipeline.id, steps.map(([key, type, label, status, progress, statusMessage], i) => ({
    key, type, label, status, progress, statusMessage, position: { x: i * 220, y: 0 }, connectedTo: steps[i + 1] ? [steps[i + 1]![0]] : [],
  })));
  const state = (done: string[]) => ({ meetingId: termSheetId, done, variables: { language: 'en' } });
  await writeCheckpoint(r, { workflowId: pipeline.id, generation: 1, step: 'chunks', nextStep: 'summary', schemaVersion: '1.0.0', state: state(['transcript', 'chunks']) });
  await writeCheckpoint(r, { workflowId: pipeline.id, generation: 1, step: 'summary', nextStep: 'action_items', schemaVersion: '1.0.0', state: state(['transcript', 'chunks', 'summary']) });
  // Asked first, as a runner does: the most it could cost is held until the call is recorded.
  const asked = await authorizeModelCall(r, { workflowId: pipeline.id, pipeline: 'summary', model: 'gpt-4o-mini', inputTokens: 6_200, maxOutputTokens: 1_000 });
  await recordTokenUsage(r, { workflowId: pipeline.id, pipeline: 'summary', model: 'gpt-4o-mini', inputTokens: 6_200, outputTokens: 480, latencyMs: 2_100, authorizationId: asked.usage.id });
  await recordTokenUsage(r, { workflowId: pipeline.id, pipeline: 'action_items', model: 'gpt-4o-mini', inputTokens: 6_400, outputTokens: 350, latencyMs: 1_800 });
  await recordTokenUsage(r, { workflowId: pipeline.id, pipeline: 'embedding', model: 'text-embedding-3-small', inputTokens: 1_900, outputTokens: 0, latencyMs: 300 });

  // A partner agent's plan, waiting for an admin.
  const plan = await createWorkflow(r, {
    name: 'Draft the November investor update', objective: 'Write the monthly update from the burn, pipeline and hiring notes', founderId, orchestrator: 'bmad 1.0.0',
  });
  await moveWorkflow(r, plan.id, { stage: 'pending_approval' });
  await updateWorkflowNodes(r, plan.id, [
    { key: 'gather', type: 'agent', label: 'Gather the numbers', connectedTo: ['draft'] },
    { key: 'draft', type: 'agent', label: 'Draft the update', connectedTo: ['review'] },
    { key: 'review', type: 'decision', label: 'Ada reviews' },
  ]);
  await recordTokenUsage(r, { workflowId: plan.id, pipeline: 'planning', model: 'claude-sonnet-4-5', inputTokens: 3_000, outputTokens: 900, latencyMs: 4_200 });
}

/** A batch's results, every item written: the demo is ours, an item it gets wrong is a bug. */
function written<R extends { results: { index: number; error: { field: string | null; message: string } | null }[] }>(result: R): R {
  const failed = result.results.find((item) => item.error);
  if (failed) throw new Error(`demo item ${failed.index} refused: ${failed.error!.message}`);
  return result;
}
