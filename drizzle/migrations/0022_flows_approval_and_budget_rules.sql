-- Hand-written: the rules of flows that row-level security cannot say, held by the database for
-- every caller of the application role (people and API keys); Chief's own pipelines
-- (chief_service) and the owner of the schema are not held by them. Idempotent.
--
-- A settled authorization names the authorization it settles, in the same workspace.
CALL core.add_tenant_references(ARRAY[
  ['flows', 'token_usage', 'fk_token_usage_authorization', 'authorization_id', 'flows.token_usage', 'NO ACTION']
]);
--> statement-breakpoint
-- A plan runs only once a person with the right role approved it, or when it needs no approval:
-- only admins (and Chief's own pipelines) start a workflow without approval, take approval away,
-- or write a decision (approveWorkflow). Others may clear a decision (a plan sent back to
-- planning). Refused as insufficient privilege on the column at fault.
CREATE OR REPLACE FUNCTION flows.check_approval() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  fresh boolean := TG_OP = 'INSERT';
BEGIN
  IF current_user <> 'chief_app' OR coalesce((SELECT auth.caller_role()), '') IN ('owner', 'admin') THEN
    RETURN NEW;
  END IF;
  IF NOT NEW.requires_approval AND (fresh OR OLD.requires_approval) THEN
    RAISE EXCEPTION 'workflows: only admins and Chief''s own pipelines run a workflow without approval'
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'requires_approval';
  END IF;
  IF (NEW.approval_decision IS NOT NULL AND (fresh OR NEW.approval_decision IS DISTINCT FROM OLD.approval_decision))
     OR (NEW.decided_by_member_id IS NOT NULL AND (fresh OR NEW.decided_by_member_id IS DISTINCT FROM OLD.decided_by_member_id))
     OR (NEW.decided_at IS NOT NULL AND (fresh OR NEW.decided_at IS DISTINCT FROM OLD.decided_at)) THEN
    RAISE EXCEPTION 'workflows: only admins decide on a plan'
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'approval_decision';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_approval ON flows.workflows;
--> statement-breakpoint
CREATE TRIGGER check_approval BEFORE INSERT OR UPDATE OF requires_approval, approval_decision, decided_by_member_id, decided_at ON flows.workflows
  FOR EACH ROW EXECUTE FUNCTION flows.check_approval();
--> statement-breakpoint
-- A workflow's owner may tighten its limit, never loosen it: a new limit is at most the one in
-- force (its own, or else the workspace's default for every workflow), and removing its own
-- limit is allowed only when the default that then applies is no looser. Admins set any limit.
-- A budget stays with its workflow: moving a row would hand one workflow's limit to another. The
-- workspace's own row is for admins alone (row-level security). Cascades run as the table's
-- owner and are not held.
CREATE OR REPLACE FUNCTION flows.check_budget_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  target flows.budgets;
  in_force numeric;
  fallback numeric;
BEGIN
  IF TG_OP = 'DELETE' THEN target := OLD; ELSE target := NEW; END IF;
  IF target.workflow_id IS NULL OR current_user <> 'chief_app' OR coalesce((SELECT auth.caller_role()), '') IN ('owner', 'admin') THEN
    RETURN target;
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.workflow_id IS DISTINCT FROM OLD.workflow_id OR NEW.workspace_id IS DISTINCT FROM OLD.workspace_id) THEN
    RAISE EXCEPTION 'budgets: a budget stays with its workflow' USING ERRCODE = 'insufficient_privilege', COLUMN = 'workflow_id';
  END IF;
  SELECT b.workflow_limit_usd INTO fallback FROM flows.budgets b WHERE b.workspace_id = target.workspace_id AND b.workflow_id IS NULL;
  IF TG_OP = 'DELETE' THEN
    IF fallback IS NULL OR fallback > OLD.limit_usd THEN
      RAISE EXCEPTION 'budgets: only admins loosen a workflow''s limit; without its own limit of %, it would have %', OLD.limit_usd,
        coalesce('the default of ' || fallback::text, 'none') USING ERRCODE = 'insufficient_privilege', COLUMN = 'limit_usd';
    END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    in_force := OLD.limit_usd;
  ELSE
    SELECT b.limit_usd INTO in_force FROM flows.budgets b WHERE b.workflow_id = NEW.workflow_id;
    in_force := coalesce(in_force, fallback);
  END IF;
  IF in_force IS NOT NULL AND NEW.limit_usd > in_force THEN
    RAISE EXCEPTION 'budgets: only admins raise a workflow''s limit above the one in force (%)', in_force
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'limit_usd';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_budget_change ON flows.budgets;
--> statement-breakpoint
CREATE TRIGGER check_budget_change BEFORE INSERT OR UPDATE OR DELETE ON flows.budgets
  FOR EACH ROW EXECUTE FUNCTION flows.check_budget_change();
