-- Hand-written: the claim helpers run as their owner (SECURITY DEFINER) and read core.members and
-- core.api_keys past row-level security, so only Chief's own roles may call them, not every
-- login of the database (Postgres grants EXECUTE to PUBLIC by default). Idempotent.
REVOKE ALL ON FUNCTION auth.member_role(), auth.member_id(), auth.user_workspaces(), auth.may_enrol_as_first_owner(uuid),
  auth.caller_role(), auth.user_role_in(uuid), auth.user_id(), auth.workspace_id(), auth.api_key_id() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth.member_role(), auth.member_id(), auth.user_workspaces(), auth.may_enrol_as_first_owner(uuid),
  auth.caller_role(), auth.user_role_in(uuid), auth.user_id(), auth.workspace_id(), auth.api_key_id() TO chief_app, chief_service;
