-- Hand-written: a person belongs to at most 100 workspaces. The bound is what lets the gateway's
-- cost measure count Viewer.workspaces as a list of 100 (@listSize(assumedSize: 100)) and be right.
-- The user's memberships are counted under a transaction lock on the user, so two concurrent
-- enrolments cannot both pass at 99. Raised as SQLSTATE CH409 (conflict). Idempotent.
CREATE OR REPLACE FUNCTION core.limit_workspaces_per_user() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('core.members:' || NEW.user_id, 0));
  IF (SELECT count(*) FROM core.members m WHERE m.user_id = NEW.user_id) >= 100 THEN
    RAISE EXCEPTION 'a person belongs to at most 100 workspaces' USING ERRCODE = 'CH409';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS limit_workspaces_per_user ON core.members;
--> statement-breakpoint
CREATE TRIGGER limit_workspaces_per_user BEFORE INSERT ON core.members FOR EACH ROW EXECUTE FUNCTION core.limit_workspaces_per_user();
