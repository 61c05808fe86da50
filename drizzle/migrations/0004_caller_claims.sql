-- Hand-written: partner API keys as callers of their own (chief_app with the claim
-- chief.api_key_id, instead of chief_service), and the caller's own role in each of their
-- workspaces without reading other workspaces' members. Runs before the policies that use these
-- functions. New functions only (CREATE OR REPLACE), so every statement is idempotent and the
-- earlier migrations' functions keep their definitions: auth.member_role() stays a person's
-- membership role and auth.member_id() stays null for anyone who is not a member, keys included.
CREATE OR REPLACE FUNCTION auth.api_key_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('chief.api_key_id', true), '')::uuid $$;
--> statement-breakpoint
-- The role row-level security gives the caller in the workspace in scope. A person: their
-- membership role. A key: 'member' with the write scope, 'viewer' otherwise, and only while it is
-- live and in its own workspace, so a revoked or expired key sees nothing on its next request,
-- whatever token it still holds. A key never borrows a person's role.
CREATE OR REPLACE FUNCTION auth.caller_role() RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF auth.api_key_id() IS NULL THEN
    RETURN auth.member_role();
  END IF;
  RETURN (SELECT CASE WHEN 'write' = ANY (k.scopes) THEN 'member' ELSE 'viewer' END
            FROM core.api_keys k
           WHERE k.id = auth.api_key_id() AND k.workspace_id = auth.workspace_id()
             AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()));
END $$;
--> statement-breakpoint
-- The caller's own role in a workspace, any workspace: what "my workspaces" lists beside each
-- one. core.members shows only the workspace in scope, so this answers the one question that
-- crosses workspaces, and only about the caller (null for keys and for non-members).
CREATE OR REPLACE FUNCTION auth.user_role_in(ws uuid) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RETURN (SELECT m.role::text FROM core.members m WHERE m.workspace_id = ws AND m.user_id = auth.user_id());
END $$;
