-- Hand-written: the rules of flows that row-level security cannot say, held by the database for
-- every caller of the application role (people and API keys); Chief's own pipelines
-- (chief_service) and the owner of the schema are not held by them. Idempotent.
--
-- A settled authorization names the authorization it settles, in the same workspace.
CALL core.add_tenant_references(ARRAY[
  ['flows', 'token_usage', 'fk_token_usage_authorization', 'authorization_id', 'flows.token_usage', 'NO ACTION']
]);
--> statement-breakpoint
-- A workflow that skips approval runs its plan unseen: only admins (and Chief's own pipelines)
-- start one or take approval away. Refused as insufficient privilege on requires_approval.
CREATE OR REPLACE FUNCTION flows.check_requires_approval() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NOT NEW.requires_approval AND (TG_OP = 'INSERT' OR OLD.requires_approval) AND current_user = 'chief_app'
     AND coalesce((SELECT auth.caller_role()), '') NOT IN ('owner', 'admin') THEN
    RAISE EXCEPTION 'workflows: only admins and Chief''s own pipelines run a workflow without approval'
      USING ERRCODE = 'insufficient_privilege', COLUMN = 'requires_approval';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_requires_approval ON flows.workflows;
--> statement-breakpoint
CREATE TRIGGER check_requires_approval BEFORE INSERT OR UPDATE OF requires_approval ON flows.workflows
  FOR EACH ROW EXECUTE FUNCTION flows.check_requires_approval();
--> statement-breakpoint
-- A workflow's owner may tighten its limit, never loosen it: a new limit is at most the one in
-- force (its own, or else the workspace's default for every workflow), and removing its own
-- limit is allowed only when the default that then applies is no looser. Admins set any limit.
-- The workspace's own row is for admins alone (row-level security). A budget that goes with its
-- workflow or workspace (a cascade) is not held.
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
  SELECT b.workflow_limit_usd INTO fallback FROM flows.budgets b WHERE b.workspace_id = target.workspace_id AND b.workflow_id IS NULL;
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM flows.workflows w WHERE w.id = OLD.workflow_id) THEN
      RETURN OLD;
    END IF;
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
