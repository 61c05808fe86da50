import type { SqlClient } from '@chief/db';
import type { Receipts } from './subscriberFleet.ts';

/** An event the writer caused, as the log has it. */
export interface LoggedEvent {
  workspace: number;
  /** Its place among its workspace's events, from 0: the writer's update of the same ordinal. */
  ordinal: number;
  /** Its timestamp (`created_at`, when its transaction began), in epoch milliseconds. */
  at: number;
}

/**
 * The updates of the hot tasks in the log, in log order ((xid, seq), the order subscribers
 * receive them in), read as the database's owner. `expected` is how many updates of each
 * workspace returned: the log must hold exactly those, or the pairing of events with updates is off.
 */
export async function readLoggedEvents(sql: SqlClient, hotTaskIds: string[], expected: number[]): Promise<Map<string, LoggedEvent>> {
  const rows = await sql<{ id: string; taskId: string; at: number }[]>`
    select id::text as id, entity_id::text as "taskId", (extract(epoch from created_at) * 1000)::float8 as at
      from ops.events where type = 'work.task.updated' and entity_id = any(${hotTaskIds}::uuid[]) order by xid, seq`;
  const counts = hotTaskIds.map(() => 0);
  const logged = new Map<string, LoggedEvent>();
  for (const row of rows) {
    const workspace = hotTaskIds.indexOf(row.taskId);
    logged.set(row.id, { workspace, ordinal: counts[workspace]!++, at: row.at });
  }
  counts.forEach((count, w) => {
    if (count !== expected[w]) throw new Error(`workspace ${w}: the log holds ${count} updates of its hot task, the writer made ${expected[w]}`);
  });
  return logged;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export const summarise = (values: number[]): LatencySummary => {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : Number.NaN);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
};

export interface DeliveryReport {
  /** Results of expected events received (duplicates included). */
  deliveries: number;
  /** From each event's timestamp (its transaction's start) to its arrival at the client. */
  fromEvent: LatencySummary;
  /** From the return of the update that wrote it (after its commit) to its arrival. */
  fromReturn: LatencySummary;
  /** Expected events a subscription never received; received more than once; received after a later one. */
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Results naming an event the writer did not cause (there must be none). */
  unknown: number;
  /** What each subscription received, by ordinal, with the arrival times. */
  received: Map<number, { ordinals: number[]; times: number[] }>;
  /** The ordinals each subscription that lost events did not receive. */
  missing: Map<number, number[]>;
}

/**
 * Holds every subscription to what it had to receive, counted rather than sampled: every event of
 * its workspace from `from[w]` to `to[w]` (ordinals, inclusive), each once and in log order. Events
 * before `from` (in flight when the window began) are left out of every figure.
 */
export function analyseDeliveries(options: {
  receipts: Receipts;
  logged: Map<string, LoggedEvent>;
  returnedAt: (workspace: number) => readonly number[];
  /** Every subscription that had to receive the window's events, with its workspace. */
  subscriptions: Map<number, number>;
  from: number[];
  to: number[];
}): DeliveryReport {
  const { receipts, logged, returnedAt, subscriptions, from, to } = options;
  const events = receipts.events.map((id) => logged.get(id));
  const fromEvent: number[] = [];
  const fromReturn: number[] = [];
  const received = new Map<number, { ordinals: number[]; times: number[] }>();
  let unknown = 0;
  let deliveries = 0;
  for (const { id, events: indexes, times } of receipts.bySubscription) {
    const mine = { ordinals: [] as number[], times: [] as number[] };
    received.set(id, mine);
    indexes.forEach((index, i) => {
      const event = events[index];
      if (!event) return void unknown++;
      if (event.ordinal < from[event.workspace]!) return;
      const arrived = times[i]!;
      mine.ordinals.push(event.ordinal);
      mine.times.push(arrived);
      deliveries++;
      fromEvent.push(arrived - event.at);
      fromReturn.push(arrived - returnedAt(event.workspace)[event.ordinal]!);
    });
  }
  let lost = 0;
  const missing = new Map<number, number[]>();
  let duplicated = 0;
  let outOfOrder = 0;
  for (const [id, workspace] of subscriptions) {
    const ordinals = received.get(id)?.ordinals ?? [];
    const distinct = new Set(ordinals);
    duplicated += ordinals.length - distinct.size;
    for (let i = 1; i < ordinals.length; i++) if (ordinals[i]! < ordinals[i - 1]!) outOfOrder++;
    const absent: number[] = [];
    for (let ordinal = from[workspace]!; ordinal <= to[workspace]!; ordinal++) if (!distinct.has(ordinal)) absent.push(ordinal);
    if (absent.length) missing.set(id, absent);
    lost += absent.length;
  }
  return { deliveries, fromEvent: summarise(fromEvent), fromReturn: summarise(fromReturn), lost, duplicated, outOfOrder, unknown, received, missing };
}
