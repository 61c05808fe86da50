import type { GraphQLResolverMap } from '@apollo/subgraph';
import { DateTimeScalar, entityChanges, type MorningBriefKey, enumValues, loadById, notFound, parseId, parsePage, withSession, type PageArgs, type SubgraphContext } from '@chief/runtime';
import { syncState, taskLinks, taskPriority, taskSource, taskStatus, tasks, trackerPlatform } from './models/index.ts';
import { completeTask, createTask, deleteTask, listTasks, loadMatchingTask, parseTaskFilter, tasksUnder, updateTask } from './domain/tasks.ts';
import { linkTask, linksOf, unlinkTask } from './domain/taskLinks.ts';
import { briefDueTasks } from './domain/morningBrief.ts';

type Ctx = SubgraphContext;
type Task = typeof tasks.$inferSelect;
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

/** A reference to an entity another subgraph owns; the gateway fetches its fields there. */
const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

/** The entity a task came from, where its owning subgraph exists (a union member of TaskSourceNode). */
const SOURCE_TYPENAMES: Partial<Record<Task['sourceType'], string>> = { communication: 'Communication', meeting: 'Meeting', insight: 'Insight' };
const sourceNode = (t: Task) => {
  const typename = SOURCE_TYPENAMES[t.sourceType];
  return typename && t.sourceId ? { __typename: typename, id: t.sourceId } : null;
};

/** Resolver for a task list under a parent entity owned by another subgraph. */
const tasksOf =
  (parent: Parameters<typeof tasksUnder>[1]) =>
  (entity: { id: string }, args: ListArgs, ctx: Ctx) =>
    tasksUnder(ctx, parent, entity.id, parsePage(args, ctx.config.maxPageSize), parseTaskFilter(args.filter));

export const workResolvers = {
  DateTime: DateTimeScalar,
  TaskStatus: enumValues(taskStatus.enumValues),
  TaskPriority: enumValues(taskPriority.enumValues),
  TaskSourceType: enumValues(taskSource.enumValues),
  TrackerPlatform: enumValues(trackerPlatform.enumValues),
  SyncState: enumValues(syncState.enumValues),

  Query: {
    task: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, tasks, parseId(args.id));
      if (!row) throw notFound('Task', String(args.id));
      return row;
    },
    tasks: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseTaskFilter(args.filter);
      return withSession(ctx, (session) => listTasks(session, page, filter));
    },
  },

  Mutation: {
    createTask: (_: unknown, args: Args, ctx: Ctx) => createTask(ctx.session, args.input),
    updateTask: (_: unknown, args: Args, ctx: Ctx) => updateTask(ctx.session, args.id, args.input),
    completeTask: (_: unknown, args: Args, ctx: Ctx) => completeTask(ctx.session, args.id, args.completedAt as Date | null | undefined),
    deleteTask: (_: unknown, args: Args, ctx: Ctx) => deleteTask(ctx.session, args.id),
    linkTask: (_: unknown, args: Args, ctx: Ctx) => linkTask(ctx.session, args.input),
    unlinkTask: (_: unknown, args: Args, ctx: Ctx) => unlinkTask(ctx.session, args.id),
  },

  Subscription: {
    taskChanged: entityChanges<{ after?: string | null; filter?: unknown }>({
      entity: 'task',
      field: 'task',
      load: (ctx, id, args) => loadMatchingTask(ctx, id, parseTaskFilter(args.filter)),
    }),
  },

  Task: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, tasks, reference.id),
    source: (t: Task) => ({ type: t.sourceType, id: t.sourceId, node: sourceNode(t) }),
    founder: (t: Task) => ref('Founder', t.founderId),
    assignee: (t: Task) => ref('Member', t.assigneeMemberId),
    contact: (t: Task) => ref('Contact', t.contactId),
    deal: (t: Task) => ref('Deal', t.dealId),
    links: (t: Task, _: Args, ctx: Ctx) => linksOf(ctx, t.id),
  },

  TaskLink: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, taskLinks, reference.id),
  },

  // Entities owned by core: work resolves only the fields it adds; row-level security keeps
  // their task lists to the caller's workspace.
  Member: { __resolveReference: (r: { id: string }) => r, assignedTasks: tasksOf('assignee') },
  Founder: { __resolveReference: (r: { id: string }) => r, tasks: tasksOf('founder') },
  Contact: { __resolveReference: (r: { id: string }) => r, relatedTasks: tasksOf('contact') },
  Deal: { __resolveReference: (r: { id: string }) => r, relatedTasks: tasksOf('deal') },
  Communication: { __resolveReference: (r: { id: string }) => r, tasks: tasksOf('communication') },
  Meeting: { __resolveReference: (r: { id: string }) => r, tasks: tasksOf('meeting') },
  MorningBrief: {
    __resolveReference: (brief: MorningBriefKey) => brief,
    dueTasks: (brief: MorningBriefKey, args: Args, ctx: Ctx) => briefDueTasks(ctx, brief, args),
  },
  TaskSourceNode: { __resolveType: (node: { __typename: string }) => node.__typename },
} as GraphQLResolverMap<Ctx>;
