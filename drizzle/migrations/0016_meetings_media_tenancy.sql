-- Hand-written: privileges, tenant-consistent foreign keys to core, the shared triggers and the
-- status pipelines for the meetings and media schemas, as 0014 did for comms. Idempotent.
GRANT USAGE ON SCHEMA meetings, media TO chief_app, chief_service;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA meetings, media TO chief_app, chief_service;
--> statement-breakpoint
-- Tenant-consistent references to core, for this and later domains: each names (schema, table,
-- constraint, column, target, on delete); a reference by workspace_id alone points at the
-- workspace, any other by (workspace_id, column), so a row can only ever reference its own
-- workspace's rows. Added once: an existing constraint of the name on the table is left as it is.
CREATE OR REPLACE PROCEDURE core.add_tenant_references(refs text[][]) LANGUAGE plpgsql AS $$
DECLARE
  r text[];
BEGIN
  FOREACH r SLICE 1 IN ARRAY refs LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = r[3] AND conrelid = format('%I.%I', r[1], r[2])::regclass) THEN
      IF r[4] = 'workspace_id' THEN
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (workspace_id) REFERENCES %s (id) ON DELETE %s', r[1], r[2], r[3], r[5], r[6]);
      ELSE
        EXECUTE format('ALTER TABLE %I.%I ADD CONSTRAINT %I FOREIGN KEY (workspace_id, %I) REFERENCES %s (workspace_id, id) ON DELETE %s', r[1], r[2], r[3], r[4], r[5], r[6]);
      END IF;
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
CALL core.add_tenant_references(ARRAY[
  ['meetings', 'meetings', 'fk_meetings_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['meetings', 'meetings', 'fk_meetings_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['meetings', 'meetings', 'fk_meetings_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['meetings', 'participants', 'fk_participants_contact', 'contact_id', 'core.contacts', 'SET NULL (contact_id)'],
  ['meetings', 'participants', 'fk_participants_member', 'member_id', 'core.members', 'SET NULL (member_id)'],
  ['meetings', 'participants', 'fk_participants_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['meetings', 'transcripts', 'fk_transcripts_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['meetings', 'transcript_chunks', 'fk_transcript_chunks_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['media', 'media_assets', 'fk_media_assets_workspace', 'workspace_id', 'core.workspaces', 'CASCADE'],
  ['media', 'media_assets', 'fk_media_assets_founder', 'founder_id', 'core.founders', 'SET NULL (founder_id)'],
  ['media', 'media_assets', 'fk_media_assets_author_contact', 'author_contact_id', 'core.contacts', 'SET NULL (author_contact_id)'],
  ['media', 'media_assets', 'fk_media_assets_author_member', 'author_member_id', 'core.members', 'SET NULL (author_member_id)'],
  ['media', 'media_assets', 'fk_media_assets_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['media', 'media_transcripts', 'fk_media_transcripts_created_by', 'created_by', 'core.members', 'SET NULL (created_by)'],
  ['media', 'media_chunks', 'fk_media_chunks_created_by', 'created_by', 'core.members', 'SET NULL (created_by)']
]);
--> statement-breakpoint
CALL core.attach_column_triggers('updated_at', 'set_updated_at', 'UPDATE', 'core.set_updated_at');
--> statement-breakpoint
CALL core.attach_column_triggers('created_by', 'keep_created_by', 'UPDATE OF created_by', 'core.keep_created_by');
--> statement-breakpoint
-- A status pipeline: the trigger's arguments are the steps allowed ('pending>processing', ...);
-- staying put is always allowed, any other step is refused as a conflict (SQLSTATE CH409, on the
-- column status) naming both ends. Inserts start anywhere: a connector may bring a transcript already completed.
CREATE OR REPLACE FUNCTION core.check_status_step() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status::text || '>' || NEW.status::text = ANY (TG_ARGV)) THEN
    RAISE EXCEPTION '%: status cannot go from % to % (allowed: %)', TG_TABLE_NAME, OLD.status, NEW.status, array_to_string(TG_ARGV, ', ')
      USING ERRCODE = 'CH409', COLUMN = 'status';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_status_step ON meetings.transcripts;
--> statement-breakpoint
CREATE TRIGGER check_status_step BEFORE UPDATE OF status ON meetings.transcripts FOR EACH ROW
  EXECUTE FUNCTION core.check_status_step('pending>processing', 'processing>completed', 'processing>failed', 'failed>pending');
--> statement-breakpoint
DROP TRIGGER IF EXISTS check_status_step ON media.media_assets;
--> statement-breakpoint
CREATE TRIGGER check_status_step BEFORE UPDATE OF status ON media.media_assets FOR EACH ROW
  EXECUTE FUNCTION core.check_status_step('pending>processing', 'processing>ready', 'processing>failed', 'failed>pending');

--> statement-breakpoint
-- Counts held meetings as interactions with their attendees, each contact once per meeting
-- however often the meeting is sent again, changed or raced: the meeting's row is locked, the
-- contacts it has not counted yet are added to counted_contact_ids, and only those move (through
-- core.record_interactions, at the meeting's start, with `weight`). Pairs of (meeting, contact);
-- a meeting with no attendee comes with a null contact, so it is still marked as counted. Runs as
-- its owner: the count is derived from what was ingested, so any writer who may ingest counts a
-- meeting someone else ingested; it touches only the caller's workspace, held meetings, and needs a writer.
CREATE OR REPLACE FUNCTION meetings.count_interactions(meeting_ids uuid[], contact_ids uuid[], weight numeric) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m record;
  counted uuid[];
  started timestamptz;
  fresh uuid[];
  touched_contacts uuid[] := '{}';
  touched_at timestamptz[] := '{}';
BEGIN
  IF auth.workspace_id() IS NULL THEN
    RAISE EXCEPTION 'meetings.count_interactions needs a workspace in scope' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF current_setting('role') <> 'chief_service' AND coalesce(auth.caller_role(), '') NOT IN ('owner', 'admin', 'member') THEN
    RAISE EXCEPTION 'Your role does not allow recording interactions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Meetings in id order: concurrent calls lock them in the same order (no deadlock).
  FOR m IN SELECT x.meeting_id, coalesce(array_agg(DISTINCT x.contact_id) FILTER (WHERE x.contact_id IS NOT NULL), '{}') AS contacts
             FROM unnest(meeting_ids, contact_ids) AS x(meeting_id, contact_id) GROUP BY x.meeting_id ORDER BY x.meeting_id LOOP
    SELECT mt.counted_contact_ids, mt.start_time INTO counted, started FROM meetings.meetings mt
     WHERE mt.id = m.meeting_id AND mt.workspace_id = auth.workspace_id() AND mt.status <> 'canceled' AND mt.start_time <= now()
     FOR UPDATE;
    CONTINUE WHEN NOT FOUND;
    fresh := ARRAY(SELECT c FROM unnest(m.contacts) AS c WHERE NOT (c = ANY (counted)) ORDER BY c);
    UPDATE meetings.meetings mt SET counted_contact_ids = mt.counted_contact_ids || fresh,
           interactions_recorded_at = coalesce(mt.interactions_recorded_at, now())
     WHERE mt.id = m.meeting_id AND (cardinality(fresh) > 0 OR mt.interactions_recorded_at IS NULL);
    touched_contacts := touched_contacts || fresh;
    touched_at := touched_at || array_fill(started, ARRAY[cardinality(fresh)]);
  END LOOP;
  IF cardinality(touched_contacts) > 0 THEN
    PERFORM core.record_interactions(touched_contacts, touched_at, weight);
  END IF;
  RETURN cardinality(touched_contacts);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION meetings.count_interactions(uuid[], uuid[], numeric) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION meetings.count_interactions(uuid[], uuid[], numeric) TO chief_app, chief_service;
