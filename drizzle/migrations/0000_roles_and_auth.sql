-- Hand-written: extensions, database roles and the claim helpers that every RLS policy reads.
-- Idempotent, so it is safe on a database where another Chief database already made the roles.
CREATE EXTENSION IF NOT EXISTS vector;
--> statement-breakpoint
DO $$
BEGIN
  -- Requests run as chief_app, background work as chief_service: neither owns a table, so
  -- row-level security always applies to them. Neither can log in; the service connects as the
  -- migrating user and switches role for each transaction.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chief_app') THEN
    CREATE ROLE chief_app NOLOGIN NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chief_service') THEN
    CREATE ROLE chief_service NOLOGIN NOINHERIT;
  END IF;
  IF NOT pg_has_role(current_user, 'chief_app', 'MEMBER') THEN
    EXECUTE format('GRANT chief_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'chief_service', 'MEMBER') THEN
    EXECUTE format('GRANT chief_service TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS auth;
--> statement-breakpoint
-- The caller's identity and workspace, set per transaction with set_config(..., true).
CREATE OR REPLACE FUNCTION auth.user_id() RETURNS text
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('chief.user_id', true), '') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION auth.workspace_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('chief.workspace_id', true), '')::uuid $$;
--> statement-breakpoint
-- The helpers below read core.members, which the roles cannot read freely, so they run as their
-- owner (SECURITY DEFINER) with a fixed search_path. plpgsql because core.members is created by
-- the next migration.
CREATE OR REPLACE FUNCTION auth.member_role() RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT m.role::text FROM core.members m
          WHERE m.workspace_id = auth.workspace_id() AND m.user_id = auth.user_id());
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION auth.member_id() RETURNS uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT m.id FROM core.members m
          WHERE m.workspace_id = auth.workspace_id() AND m.user_id = auth.user_id());
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION auth.user_workspaces() RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN QUERY SELECT m.workspace_id FROM core.members m WHERE m.user_id = auth.user_id();
END $$;
--> statement-breakpoint
-- True for the creator of a workspace that has no member yet: the one moment a user may make
-- themselves owner.
CREATE OR REPLACE FUNCTION auth.may_enrol_as_first_owner(ws uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM core.workspaces w WHERE w.id = ws AND w.created_by_user_id = auth.user_id())
     AND NOT EXISTS (SELECT 1 FROM core.members m WHERE m.workspace_id = ws);
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA auth TO chief_app, chief_service;
