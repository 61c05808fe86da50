import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateTimeScalar, JSONObjectScalar, briefInstant, entityChanges, enumValues, loadById, logSubscription, notFound, parseId, parsePage, withSession,
  type MorningBriefKey, type PageArgs, type SubgraphContext,
} from '@chief/runtime';
import {
  agentCapability, briefingKind, briefingStatus, briefings, decisions, insightKind, insightStatus, insights, modelProvider, modelTask, notificationChannel,
  notificationKind, notificationPriority, notifications, sourceType, type SourceRef,
} from './models/index.ts';
import { briefingsOfFounder, createBriefing, listBriefings, loadFoundersBriefing, parseBriefingFilter, updateBriefing, type Briefing } from './domain/briefings.ts';
import { createInsight, effectiveStatus, listInsights, parseInsightFilter, updateInsight, type Insight } from './domain/insights.ts';
import { createDecision, decide, insightsOf, listDecisions, type Decision } from './domain/decisions.ts';
import {
  dismissNotification, listNotifications, markNotificationRead, markNotificationUnread, parseNotificationFilter, raiseNotification, snoozeNotification,
  type Notification,
} from './domain/notifications.ts';
import { loadAgentSettings, modelFor, updateAgentSettings, type AgentSettings } from './domain/agentSettings.ts';
import { briefInsights, morningBriefOf } from './domain/morningBrief.ts';
import { sourceNode } from './domain/sourceRefs.ts';

type Ctx = SubgraphContext;
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

/** A read by id: the row, or NOT_FOUND for one that is absent or not the caller's to see. */
const byId =
  <T>(type: string, load: (ctx: Ctx, id: string) => Promise<T | null>) =>
  async (_: unknown, args: Args, ctx: Ctx) => {
    const row = await load(ctx, parseId(args.id));
    if (!row) throw notFound(type, String(args.id));
    return row;
  };

export const intelResolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  SourceType: enumValues(sourceType.enumValues),
  BriefingKind: enumValues(briefingKind.enumValues),
  BriefingStatus: enumValues(briefingStatus.enumValues),
  InsightKind: enumValues(insightKind.enumValues),
  InsightStatus: enumValues(insightStatus.enumValues),
  NotificationKind: enumValues(notificationKind.enumValues),
  NotificationChannel: enumValues(notificationChannel.enumValues),
  NotificationPriority: enumValues(notificationPriority.enumValues),
  ModelProvider: enumValues(modelProvider.enumValues),
  ModelTask: enumValues(modelTask.enumValues),
  AgentCapability: enumValues(agentCapability.enumValues),

  Query: {
    briefing: byId('Briefing', (ctx, id) => loadById(ctx, briefings, id)),
    briefings: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseBriefingFilter(args.filter);
      return withSession(ctx, (session) => listBriefings(session, page, filter));
    },
    insight: byId('Insight', (ctx, id) => loadById(ctx, insights, id)),
    insights: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseInsightFilter(args.filter);
      return withSession(ctx, (session) => listInsights(session, page, filter));
    },
    decision: byId('Decision', (ctx, id) => loadById(ctx, decisions, id)),
    decisions: (_: unknown, args: PageArgs & { decided?: boolean | null }, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      return withSession(ctx, (session) => listDecisions(session, page, args.decided));
    },
    notification: byId('Notification', (ctx, id) => loadById(ctx, notifications, id)),
    notifications: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseNotificationFilter(args.filter);
      return withSession(ctx, (session) => listNotifications(session, page, filter));
    },
    agentSettings: (_: unknown, __: Args, ctx: Ctx) => loadAgentSettings(ctx),
    morningBrief: (_: unknown, args: Args, ctx: Ctx) => morningBriefOf(ctx, args.founderId),
  },

  Mutation: {
    createBriefing: (_: unknown, args: Args, ctx: Ctx) => createBriefing(ctx.session, args.input),
    updateBriefing: (_: unknown, args: Args, ctx: Ctx) => updateBriefing(ctx.session, args.id, args.input),
    createInsight: (_: unknown, args: Args, ctx: Ctx) => createInsight(ctx.session, args.input),
    updateInsight: (_: unknown, args: Args, ctx: Ctx) => updateInsight(ctx.session, args.id, args.input),
    createDecision: (_: unknown, args: Args, ctx: Ctx) => createDecision(ctx.session, args.input),
    decide: (_: unknown, args: Args, ctx: Ctx) => decide(ctx.session, args.id, args.input),
    raiseNotification: (_: unknown, args: Args, ctx: Ctx) => raiseNotification(ctx.session, args.input),
    markNotificationRead: (_: unknown, args: Args, ctx: Ctx) => markNotificationRead(ctx.session, args.id),
    markNotificationUnread: (_: unknown, args: Args, ctx: Ctx) => markNotificationUnread(ctx.session, args.id),
    snoozeNotification: (_: unknown, args: Args, ctx: Ctx) => snoozeNotification(ctx.session, args.id, args.until),
    dismissNotification: (_: unknown, args: Args, ctx: Ctx) => dismissNotification(ctx.session, args.id),
    updateAgentSettings: (_: unknown, args: Args, ctx: Ctx) => updateAgentSettings(ctx.session, args.input),
  },

  Subscription: {
    briefingUpdated: entityChanges<{ after?: string | null; founderId: string }>({
      entity: 'briefing',
      field: 'briefing',
      load: (ctx, id, args) => loadFoundersBriefing(ctx, id, parseId(args.founderId, 'founderId')),
    }),
    insightCreated: logSubscription<{ after?: string | null }, Ctx>({
      types: () => ['intel.insight.created'],
      async payload(event, ctx) {
        const insight = event.entityId ? await loadById(ctx, insights, event.entityId) : null;
        return insight ? { cursor: event.cursor, insight, event: { __typename: 'Event', id: event.id } } : null;
      },
    }),
    notificationCreated: logSubscription<{ after?: string | null; recipientId?: string | null }, Ctx>({
      types: () => ['intel.notification.created'],
      async payload(event, ctx, args) {
        const notification = event.entityId ? await loadById(ctx, notifications, event.entityId) : null;
        if (!notification) return null;
        if (args.recipientId && notification.recipientMemberId && notification.recipientMemberId !== args.recipientId) return null;
        return { cursor: event.cursor, notification, event: { __typename: 'Event', id: event.id } };
      },
    }),
  },

  Briefing: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, briefings, reference.id),
    founder: (b: Briefing) => ref('Founder', b.founderId),
    sections: (b: Briefing) => b.sections.map((s) => ({ ...s, citations: s.citations.map(sourceNode) })),
    cited: (b: Briefing) => b.cited.map(sourceNode),
  },

  Insight: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, insights, reference.id),
    founder: (i: Insight) => ref('Founder', i.founderId),
    status: (i: Insight) => effectiveStatus(i),
    content: (i: Insight) => ({
      summary: i.content.summary,
      details: i.content.details ?? null,
      metrics: Object.entries(i.content.metrics).map(([name, value]) => ({ name, value })),
      recommendations: i.content.recommendations,
    }),
    evidence: (i: Insight) => i.evidence.map(sourceNode),
  },

  Decision: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, decisions, reference.id),
    founder: (d: Decision) => ref('Founder', d.founderId),
    decidedBy: (d: Decision) => ref('Member', d.decidedByMemberId),
    decided: (d: Decision) => d.chosenOption !== null,
    insights: (d: Decision, _: Args, ctx: Ctx) => insightsOf(ctx, d),
  },

  Notification: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, notifications, reference.id),
    recipient: (n: Notification) => ref('Member', n.recipientMemberId),
    founder: (n: Notification) => ref('Founder', n.founderId),
    subject: (n: Notification) => (n.subjectType && n.subjectId ? sourceNode({ type: n.subjectType, id: n.subjectId } as SourceRef) : null),
    read: (n: Notification) => n.readAt !== null,
  },

  AgentSettings: {
    // The workspace's own settings only: another id is another workspace's, which row-level security hides.
    __resolveReference: async (reference: { id: string }, ctx: Ctx) => {
      const settings = await loadAgentSettings(ctx).catch(() => null);
      return settings?.id === reference.id ? settings : null;
    },
    models: (s: AgentSettings) => modelTask.enumValues.map((task) => ({ task, model: modelFor(s, task) })),
  },

  MorningBrief: {
    __resolveReference: (brief: MorningBriefKey) => brief,
    founder: (brief: MorningBriefKey) => ref('Founder', brief.founderId),
    insights: (brief: MorningBriefKey, args: Args, ctx: Ctx) => briefInsights(ctx, brief, args),
  },

  SourceReference: {
    // An insight is intel's own entity: read here (the gateway fetches the others from their owners).
    node: (r: { type: SourceRef['type']; id: string; node: { __typename: string; id: string } }, _: Args, ctx: Ctx) =>
      r.type === 'insight' ? loadById(ctx, insights, r.id).then((row) => (row ? { ...row, __typename: 'Insight' } : null)) : r.node,
  },
  SourceNode: { __resolveType: (node: { __typename: string }) => node.__typename },

  // Entities owned by core: intel resolves only the fields it adds; row-level security keeps
  // their lists to the caller's workspace.
  Founder: {
    __resolveReference: (r: { id: string }) => r,
    briefings: (f: { id: string }, args: ListArgs, ctx: Ctx) =>
      briefingsOfFounder(ctx, f.id, parsePage(args, ctx.config.maxPageSize), parseBriefingFilter(args.filter)),
    morningBrief: (f: { id: string }, _: Args, ctx: Ctx): MorningBriefKey => ({ founderId: f.id, asOf: briefInstant(ctx) }),
  },
  Workspace: {
    __resolveReference: (r: { id: string }) => r,
    agentSettings: async (w: { id: string }, _: Args, ctx: Ctx) => {
      const settings = await loadAgentSettings(ctx);
      if (settings.workspaceId !== w.id) throw notFound('Workspace', w.id);
      return settings;
    },
  },
} as GraphQLResolverMap<Ctx>;
