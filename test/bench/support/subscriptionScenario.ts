import { expectData, type ChiefClient, type Ids } from '../../support/startTestChief.ts';
import { createWorkspaceFixture } from '../../../subgraphs/core/test/fixtures.ts';
import type { SocketSpec, SubscriptionSpec } from './subscriberFleet.ts';

/** A workspace of the subscription benchmark: its members, and the task whose every update is the event they all receive. */
export interface LiveWorkspace {
  id: string;
  ownerUserId: string;
  hotTaskId: string;
  /** The member the hot task is assigned to (what the assignee filter names). */
  assigneeId: string;
  /** The subscribing members' user ids. */
  memberUserIds: string[];
}

/** One of the subscriptions each member holds: a document and its variables for a workspace. */
interface Variant {
  name: string;
  field: string;
  query: string;
  variables(workspace: LiveWorkspace): Record<string, unknown>;
}

const TASK_TITLES = `subscription TaskTitles($after: String, $filter: TaskFilter) {
  taskChanged(after: $after, filter: $filter) { cursor action task { id title status } event { id } }
}`;
const TASK_ASSIGNEES = `subscription TaskAssignees($after: String, $filter: TaskFilter) {
  taskChanged(after: $after, filter: $filter) { cursor action task { id title assignee { id name } } event { id } }
}`;
const LOG_TAIL = `subscription LogTail($after: String, $types: [String!]) {
  eventAppended(after: $after, types: $types) { id cursor type occurredAt }
}`;

/**
 * What each member subscribes to, every variant matching every update of the hot task (so each
 * subscriber receives one event per update): task changes from work alone, unfiltered and by
 * status; task changes with the assignee's name from core (an entity fetch per event); and the raw
 * log from ops, by type.
 */
export const variants: Variant[] = [
  { name: 'taskChanged', field: 'taskChanged', query: TASK_TITLES, variables: () => ({}) },
  { name: 'taskChanged by status', field: 'taskChanged', query: TASK_TITLES, variables: () => ({ filter: { status: ['TODO', 'IN_PROGRESS'] } }) },
  { name: 'taskChanged by assignee, with core', field: 'taskChanged', query: TASK_ASSIGNEES, variables: (w) => ({ filter: { assigneeId: w.assigneeId } }) },
  { name: 'eventAppended by type', field: 'eventAppended', query: LOG_TAIL, variables: () => ({ types: ['work.task.updated'] }) },
];

/** A distinct subscription: one member's variant. Its subscribers are identical subscriptions (same document, variables and identity). */
export interface DistinctSubscription {
  workspace: number;
  userId: string;
  variant: Variant;
}

/** Workspaces with a founder, `members` subscribing members, and a hot task assigned to the first of them, all made through Chief's gateway. */
export async function seedLiveWorkspaces(client: ChiefClient, count: number, members: number): Promise<LiveWorkspace[]> {
  const workspaces: LiveWorkspace[] = [];
  for (let w = 0; w < count; w++) {
    const ws = await createWorkspaceFixture(client, `Live${w}`);
    const token = ws.users.owner.token;
    const memberUserIds = Array.from({ length: members }, (_, i) => `live-${i}|${ws.id}`);
    const memberIds: string[] = [];
    // Operations of 25 aliased mutations at most (the gateway's alias limit).
    for (let i = 0; i < members; i += 25) {
      const invites = memberUserIds.slice(i, i + 25).map((userId, j) => `m${j}: inviteMember(input: { userId: "${userId}", role: MEMBER, name: "Live ${i + j}" }) { id }`);
      const data = expectData(await client.request<Record<string, { id: string }>>(`mutation { ${invites.join('\n')} }`, {}, { token }));
      memberIds.push(...invites.map((_, j) => data[`m${j}`]!.id));
    }
    const task = expectData(
      await client.request<Ids<'createTask'>>(
        `mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
        { input: { title: 'hot 0', status: 'TODO', priority: 'HIGH', assigneeId: memberIds[0], founderId: ws.founderId } },
        { token },
      ),
    );
    workspaces.push({ id: ws.id, ownerUserId: ws.users.owner.userId, hotTaskId: task.createTask.id, assigneeId: memberIds[0]!, memberUserIds });
  }
  return workspaces;
}

/** Every member's every variant: workspaces × members × variants distinct subscriptions. */
export const distinctSubscriptions = (workspaces: LiveWorkspace[]): DistinctSubscription[] =>
  workspaces.flatMap((w, workspace) => w.memberUserIds.flatMap((userId) => variants.map((variant) => ({ workspace, userId, variant }))));

/** A socket of the fleet, with the member it is (a resumed socket connects again as them). */
export interface LaidOutSocket extends SocketSpec {
  userId: string;
  workspace: LiveWorkspace;
}

/**
 * The sockets of subscribers `from` to `to` (exclusive): subscriber i holds distinct subscription
 * i mod D, so every distinct one has as many subscribers as any other (give or take one); a
 * socket is one member's, with at most `perSocket` subscriptions. Ids of sockets are numbered from
 * `firstSocketId`; a subscription's id is its subscriber's number.
 */
export function layoutSockets(
  workspaces: LiveWorkspace[],
  distinct: DistinctSubscription[],
  range: { from: number; to: number; perSocket: number; firstSocketId: number },
  connectionParams: (workspace: LiveWorkspace, userId: string) => Record<string, string>,
): LaidOutSocket[] {
  const byUser = new Map<string, { workspace: LiveWorkspace; subscriptions: SubscriptionSpec[] }>();
  for (let i = range.from; i < range.to; i++) {
    const { workspace, userId, variant } = distinct[i % distinct.length]!;
    let entry = byUser.get(userId);
    if (!entry) byUser.set(userId, (entry = { workspace: workspaces[workspace]!, subscriptions: [] }));
    entry.subscriptions.push({ id: i, query: variant.query, variables: variant.variables(workspaces[workspace]!), field: variant.field });
  }
  const sockets: LaidOutSocket[] = [];
  for (const [userId, { workspace, subscriptions }] of byUser) {
    for (let i = 0; i < subscriptions.length; i += range.perSocket) {
      sockets.push({ id: range.firstSocketId + sockets.length, userId, workspace, connectionParams: connectionParams(workspace, userId), subscriptions: subscriptions.slice(i, i + range.perSocket) });
    }
  }
  return sockets;
}
