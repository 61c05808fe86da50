import { eventCatalog, type EventEntity, type EventType } from './eventCatalog.ts';
import { logSubscription } from './logSubscription.ts';
import type { LogEvent } from './followLog.ts';
import type { SubgraphContext } from './createSubgraphService.ts';

/** What a change did to its entity, as `ChangeAction` says it. */
export type ChangeAction = 'CREATED' | 'UPDATED' | 'DELETED';

// The catalog's actions that bring an entity into being or end it; every other action updates it.
const CREATING = new Set(['created', 'invited', 'connected', 'started', 'received', 'ingested', 'attached']);
const ENDING = new Set(['deleted', 'removed', 'disconnected', 'revoked']);

export const changeAction = (type: string): ChangeAction => {
  const action = type.slice(type.lastIndexOf('.') + 1);
  return CREATING.has(action) ? 'CREATED' : ENDING.has(action) ? 'DELETED' : 'UPDATED';
};

/** The catalog's event types about `entity`. */
export const typesAbout = (entity: EventEntity): EventType[] => (Object.keys(eventCatalog) as EventType[]).filter((type) => eventCatalog[type].entity === entity);

export interface EntityChanges<TArgs> {
  entity: EventEntity;
  /** The payload's field that holds the entity (`task` of TaskChange). */
  field: string;
  /**
   * The entity as the subscriber sees it now, if it passes the subscription's filter: null leaves
   * out a creation or an update (not visible, or filtered out); a deletion is always delivered.
   */
  load(ctx: SubgraphContext, id: string, args: TArgs): Promise<object | null>;
  /** Event types about the entity that another subscription delivers (a workflow's node changes). */
  except?: readonly EventType[];
}

/**
 * A `<entity>Changed(after, ...)` subscription field: every catalogued change to entities of one
 * kind, in log order, as `{ cursor, action, <field>, event }`. The entity is read when the change
 * is delivered (its state then, under the subscriber's row-level security), so a burst of updates
 * shows the latest state each time, and a deleted entity is null.
 */
export function entityChanges<TArgs extends { after?: string | null }>(spec: EntityChanges<TArgs>) {
  const types = typesAbout(spec.entity).filter((type) => !spec.except?.includes(type));
  return logSubscription<TArgs, SubgraphContext>({
    types: () => types,
    async payload(event: LogEvent, ctx, args) {
      const action = changeAction(event.type);
      const entity = action === 'DELETED' || !event.entityId ? null : await spec.load(ctx, event.entityId, args);
      if (action !== 'DELETED' && !entity) return null;
      return { cursor: event.cursor, action, [spec.field]: entity, event: { __typename: 'Event', id: event.id } };
    },
  });
}
