-- Hand-written: privileges, tenant-consistent foreign keys, the shared triggers, the stage
-- machine, append-only checkpoints and usage, the node limit of a map, and intel's function for
-- raising a notification from another domain. Idempotent.
GRANT USAGE ON SCHEMA flows TO chief_app, chief_service;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA flows TO chief_app, chief_service;
--> statement-breakpoint
-- Checkpoints and usage are history: a workflow that has them is never deleted (NO ACTION), and
-- the ledgers have no cascade from the workspace, like the event log.
CALL core.add_tenant_references(ARRAY[
  ['flows', 'workflows', 'fk_workflows_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['flows', 'workflows', 'fk_workflows_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['flows', 'workflows', 'fk_workflows_meeting', 'meeting_id', 'meetings.meetings', 'SET NULL (meeting_id)'],
  ['flows', 'workflows', 'fk_workflows_decided_by', 'decided_by_member_id', 'core.members', 'SET NULL (decided_by_member_id)'],
  ['flows', 'workflows', 'fk_workflows_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['flows', 'workflow_states', 'fk_workflow_states_workflow', 'workflow_id', 'flows.workflows', 'NO ACTION'],
  ['flows', 'workflow_nodes', 'fk_workflow_nodes_workflow', 'workflow_id', 'flows.workflows', 'CASCADE'],
  ['flows', 'workflow_nodes', 'fk_workflow_nodes_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['flows', 'token_usage', 'fk_token_usage_workflow', 'workflow_id', 'flows.workflows', 'NO ACTION'],
  ['flows', 'budgets', 'fk_budgets_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['flows', 'budgets', 'fk_budgets_workflow', 'workflow_id', 'flows.workflows', 'CASCADE'],
  ['flows', 'budgets', 'fk_budgets_created_by', 'created_by', 'core.members', 'SET NULL (created_by)']
]);
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
--> statement-breakpoint
CALL core.attach_column_triggers('created_by', 'keep_created_by', 'UPDATE OF created_by', 'core.keep_created_by');
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['workflow_states', 'token_usage'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS refuse_change ON flows.%I', t);
    EXECUTE format('CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON flows.%I FOR EACH ROW EXECUTE FUNCTION ops.refuse_change()', t);
    EXECUTE format('DROP TRIGGER IF EXISTS refuse_truncate ON flows.%I', t);
    EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON flows.%I FOR EACH STATEMENT EXECUTE FUNCTION ops.refuse_change()', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Seed 004's stage machine. A workflow starts in planning; staying put is always allowed; every
-- other step is refused as a conflict on the column stage (SQLSTATE CH409) naming both stages.
-- Orchestration starts only from an approved plan, or straight from planning for a workflow that
-- needs no approval (Chief's own pipelines).
CREATE OR REPLACE FUNCTION flows.check_stage_step() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  allowed text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.stage <> 'planning' THEN
      RAISE EXCEPTION 'workflows: a workflow starts in planning, not %', NEW.stage USING ERRCODE = 'CH409', COLUMN = 'stage';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.stage = OLD.stage THEN
    RETURN NEW;
  END IF;
  allowed := CASE OLD.stage
    WHEN 'planning' THEN ARRAY['pending_approval', 'orchestrating', 'failed', 'cancelled']
    WHEN 'pending_approval' THEN ARRAY['planning', 'orchestrating', 'failed', 'cancelled']
    WHEN 'orchestrating' THEN ARRAY['building', 'failed', 'cancelled']
    WHEN 'building' THEN ARRAY['reviewing', 'failed', 'cancelled']
    WHEN 'reviewing' THEN ARRAY['building', 'completed', 'failed', 'cancelled']
    ELSE ARRAY[]::text[]
  END;
  IF NOT (NEW.stage::text = ANY (allowed)) THEN
    RAISE EXCEPTION 'workflows: stage cannot go from % to % (from %: %)', OLD.stage, NEW.stage, OLD.stage,
      CASE WHEN cardinality(allowed) = 0 THEN 'none, it has ended' ELSE array_to_string(allowed, ', ') END
      USING ERRCODE = 'CH409', COLUMN = 'stage';
  END IF;
  IF NEW.stage = 'orchestrating' AND OLD.stage = 'planning' AND NEW.requires_approval THEN
    RAISE EXCEPTION 'workflows: stage cannot go from planning to orchestrating: this workflow needs an approved plan (pending_approval first)'
      USING ERRCODE = 'CH409', COLUMN = 'stage';
  END IF;
  IF NEW.stage = 'orchestrating' AND OLD.stage = 'pending_approval' AND NEW.approval_decision IS DISTINCT FROM 'approved' THEN
    RAISE EXCEPTION 'workflows: stage cannot go from pending_approval to orchestrating: the plan is not approved'
      USING ERRCODE = 'CH409', COLUMN = 'stage';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_stage_step ON flows.workflows;
--> statement-breakpoint
CREATE TRIGGER check_stage_step BEFORE INSERT OR UPDATE OF stage ON flows.workflows FOR EACH ROW EXECUTE FUNCTION flows.check_stage_step();
--> statement-breakpoint
-- Seed 004's map limit, per statement: a batch of nodes is counted once, whatever its size.
CREATE OR REPLACE FUNCTION flows.limit_workflow_nodes() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  over uuid;
BEGIN
  SELECT n.workflow_id INTO over FROM flows.workflow_nodes n
   WHERE n.workflow_id IN (SELECT DISTINCT workflow_id FROM added)
   GROUP BY n.workflow_id HAVING count(*) > 500 LIMIT 1;
  IF over IS NOT NULL THEN
    RAISE EXCEPTION 'workflow_nodes: workflow % would have more than 500 nodes', over
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_workflow_nodes_count', TABLE = 'workflow_nodes';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS limit_workflow_nodes ON flows.workflow_nodes;
--> statement-breakpoint
CREATE TRIGGER limit_workflow_nodes AFTER INSERT ON flows.workflow_nodes REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION flows.limit_workflow_nodes();
--> statement-breakpoint
-- intel's contract for other domains that raise a nudge (flows' budget warnings): the row as
-- intel shapes it, once per dedup key. It runs as the caller, so row-level security decides;
-- the new notification's id, or null when that nudge was raised before.
CREATE OR REPLACE FUNCTION intel.raise_notification(
  p_kind intel.notification_kind, p_priority intel.notification_priority, p_title text, p_message text,
  p_dedup_key text, p_metadata jsonb, p_created_by uuid
) RETURNS uuid
  LANGUAGE sql AS $$
  INSERT INTO intel.notifications (workspace_id, kind, priority, title, message, dedup_key, metadata, created_by)
  VALUES ((SELECT auth.workspace_id()), p_kind, p_priority, p_title, p_message, p_kind::text || ':' || p_dedup_key, p_metadata, p_created_by)
  ON CONFLICT (workspace_id, dedup_key) DO NOTHING
  RETURNING id
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION intel.raise_notification(intel.notification_kind, intel.notification_priority, text, text, text, jsonb, uuid) TO chief_app, chief_service;
