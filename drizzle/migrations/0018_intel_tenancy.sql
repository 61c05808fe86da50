-- Hand-written: privileges, tenant-consistent foreign keys to core, the shared triggers and the
-- status pipelines of the intel schema, and each workspace's model settings. Idempotent.
GRANT USAGE ON SCHEMA intel TO chief_app, chief_service;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA intel TO chief_app, chief_service;
--> statement-breakpoint
CALL core.add_tenant_references(ARRAY[
  ['intel', 'briefings', 'fk_briefings_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['intel', 'briefings', 'fk_briefings_founder', 'founder_id', 'core.founders', 'CASCADE'],
  ['intel', 'briefings', 'fk_briefings_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['intel', 'insights', 'fk_insights_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['intel', 'insights', 'fk_insights_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['intel', 'insights', 'fk_insights_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['intel', 'decisions', 'fk_decisions_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['intel', 'decisions', 'fk_decisions_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['intel', 'decisions', 'fk_decisions_decided_by', 'decided_by_member_id', 'core.members', 'SET NULL (decided_by_member_id)'],
  ['intel', 'decisions', 'fk_decisions_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['intel', 'notifications', 'fk_notifications_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['intel', 'notifications', 'fk_notifications_recipient', 'recipient_member_id', 'core.members', 'CASCADE'],
  ['intel', 'notifications', 'fk_notifications_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['intel', 'notifications', 'fk_notifications_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['intel', 'agent_settings', 'fk_agent_settings_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['intel', 'agent_settings', 'fk_agent_settings_created_by', 'created_by', 'core.members', 'SET NULL (created_by)']
]);
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
--> statement-breakpoint
CALL core.attach_column_triggers('created_by', 'keep_created_by', 'UPDATE OF created_by', 'core.keep_created_by');
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_status_step ON intel.briefings;
--> statement-breakpoint
CREATE TRIGGER check_status_step BEFORE UPDATE OF status ON intel.briefings FOR EACH ROW
  EXECUTE FUNCTION core.check_status_step('draft>ready', 'ready>draft', 'ready>delivered');
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_status_step ON intel.insights;
--> statement-breakpoint
CREATE TRIGGER check_status_step BEFORE UPDATE OF status ON intel.insights FOR EACH ROW
  EXECUTE FUNCTION core.check_status_step('active>acknowledged', 'active>dismissed', 'active>expired');
--> statement-breakpoint
-- Every workspace has its model settings from the start (the defaults), so reading them never
-- writes and changing them is an update. Runs as its owner: the workspace's creator may not be an
-- admin of it yet when the row is made.
CREATE OR REPLACE FUNCTION intel.provision_agent_settings() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO intel.agent_settings (workspace_id) VALUES (NEW.id) ON CONFLICT (workspace_id) DO NOTHING;
  RETURN NEW;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION intel.provision_agent_settings() FROM PUBLIC;
--> statement-breakpoint
DROP TRIGGER IF EXISTS provision_agent_settings ON core.workspaces;
--> statement-breakpoint
CREATE TRIGGER provision_agent_settings AFTER INSERT ON core.workspaces FOR EACH ROW EXECUTE FUNCTION intel.provision_agent_settings();
--> statement-breakpoint
INSERT INTO intel.agent_settings (workspace_id) SELECT id FROM core.workspaces ON CONFLICT (workspace_id) DO NOTHING;
