CREATE SCHEMA "meetings";
--> statement-breakpoint
CREATE SCHEMA "media";
--> statement-breakpoint
CREATE TYPE "meetings"."attendance" AS ENUM('invited', 'accepted', 'declined', 'tentative', 'attended', 'absent');--> statement-breakpoint
CREATE TYPE "meetings"."platform" AS ENUM('zoom', 'google_meet', 'teams', 'webex', 'slack', 'phone', 'in_person', 'other');--> statement-breakpoint
CREATE TYPE "meetings"."meeting_status" AS ENUM('scheduled', 'in_progress', 'completed', 'canceled');--> statement-breakpoint
CREATE TYPE "meetings"."participant_role" AS ENUM('organizer', 'attendee', 'optional');--> statement-breakpoint
CREATE TYPE "meetings"."transcript_status" AS ENUM('pending', 'processing', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "media"."asset_kind" AS ENUM('video', 'audio', 'screen_recording', 'document', 'image');--> statement-breakpoint
CREATE TYPE "media"."asset_status" AS ENUM('pending', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "media"."platform" AS ENUM('loom', 'youtube', 'vimeo', 'google_drive', 'dropbox', 'notion', 'upload', 'other');--> statement-breakpoint
CREATE TABLE "meetings"."meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"platform" "meetings"."platform" NOT NULL,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"start_time" timestamp with time zone NOT NULL,
	"end_time" timestamp with time zone NOT NULL,
	"duration_mins" integer GENERATED ALWAYS AS ((round(extract(epoch from (end_time - start_time)) / 60))::integer) STORED,
	"recording_url" text,
	"status" "meetings"."meeting_status" DEFAULT 'scheduled' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_hash" text NOT NULL,
	"interactions_recorded_at" timestamp with time zone,
	"counted_contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_meetings_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_meetings_external_id" CHECK (char_length("meetings"."meetings"."external_id") between 1 and 500),
	CONSTRAINT "ck_meetings_title" CHECK (char_length(btrim("meetings"."meetings"."title")) between 1 and 500),
	CONSTRAINT "ck_meetings_description" CHECK ("meetings"."meetings"."description" is null or char_length("meetings"."meetings"."description") <= 20000),
	CONSTRAINT "ck_meetings_time_range" CHECK ("meetings"."meetings"."end_time" >= "meetings"."meetings"."start_time" and "meetings"."meetings"."end_time" - "meetings"."meetings"."start_time" <= interval '24 hours'),
	CONSTRAINT "ck_meetings_recording_url" CHECK ("meetings"."meetings"."recording_url" is null or ("meetings"."meetings"."recording_url" ~ '^https?://' and char_length("meetings"."meetings"."recording_url") <= 2000))
);
--> statement-breakpoint
ALTER TABLE "meetings"."meetings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "meetings"."participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"address" text,
	"name" text,
	"contact_id" uuid,
	"member_id" uuid,
	"role" "meetings"."participant_role" DEFAULT 'attendee' NOT NULL,
	"attendance" "meetings"."attendance" DEFAULT 'invited' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_participants_position" CHECK ("meetings"."participants"."position" between 0 and 499),
	CONSTRAINT "ck_participants_identity" CHECK ("meetings"."participants"."address" is not null or "meetings"."participants"."name" is not null),
	CONSTRAINT "ck_participants_address" CHECK ("meetings"."participants"."address" is null or char_length(btrim("meetings"."participants"."address")) between 1 and 320),
	CONSTRAINT "ck_participants_name" CHECK ("meetings"."participants"."name" is null or char_length("meetings"."participants"."name") <= 200)
);
--> statement-breakpoint
ALTER TABLE "meetings"."participants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "meetings"."transcript_chunks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"transcript_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"speaker" text,
	"start_seconds" numeric(10, 3) NOT NULL,
	"end_seconds" numeric(10, 3) NOT NULL,
	"text" text NOT NULL,
	"embedding" vector(1536),
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_transcript_chunks_position" CHECK ("meetings"."transcript_chunks"."position" >= 0),
	CONSTRAINT "ck_transcript_chunks_time_range" CHECK ("meetings"."transcript_chunks"."start_seconds" >= 0 and "meetings"."transcript_chunks"."end_seconds" >= "meetings"."transcript_chunks"."start_seconds"),
	CONSTRAINT "ck_transcript_chunks_text" CHECK (char_length("meetings"."transcript_chunks"."text") between 1 and 20000),
	CONSTRAINT "ck_transcript_chunks_speaker" CHECK ("meetings"."transcript_chunks"."speaker" is null or char_length("meetings"."transcript_chunks"."speaker") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "meetings"."transcripts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"status" "meetings"."transcript_status" DEFAULT 'pending' NOT NULL,
	"failure_reason" text,
	"language" text,
	"provider" text,
	"summary" text,
	"action_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sop_steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"source_hash" text NOT NULL,
	"chunks_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_transcripts_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_transcripts_failure_reason" CHECK (("meetings"."transcripts"."status" = 'failed') = ("meetings"."transcripts"."failure_reason" is not null) and ("meetings"."transcripts"."failure_reason" is null or char_length("meetings"."transcripts"."failure_reason") between 1 and 2000)),
	CONSTRAINT "ck_transcripts_completed_at" CHECK (("meetings"."transcripts"."status" = 'completed') = ("meetings"."transcripts"."completed_at" is not null)),
	CONSTRAINT "ck_transcripts_language" CHECK ("meetings"."transcripts"."language" is null or "meetings"."transcripts"."language" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
	CONSTRAINT "ck_transcripts_provider" CHECK ("meetings"."transcripts"."provider" is null or char_length("meetings"."transcripts"."provider") between 1 and 100),
	CONSTRAINT "ck_transcripts_summary" CHECK ("meetings"."transcripts"."summary" is null or char_length("meetings"."transcripts"."summary") <= 20000),
	CONSTRAINT "ck_transcripts_chunk_count" CHECK ("meetings"."transcripts"."chunk_count" >= 0),
	CONSTRAINT "ck_transcripts_action_items" CHECK (jsonb_typeof("meetings"."transcripts"."action_items") = 'array' and jsonb_array_length("meetings"."transcripts"."action_items") <= 100
        and not jsonb_path_exists("meetings"."transcripts"."action_items", '$[*] ? (!(@.description.type() == "string") || !(@.priority == null || @.priority == "low" || @.priority == "medium" || @.priority == "high" || @.priority == "urgent") || !(@.due_date == null || @.due_date like_regex "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))')),
	CONSTRAINT "ck_transcripts_sop_steps" CHECK (jsonb_typeof("meetings"."transcripts"."sop_steps") = 'array' and jsonb_array_length("meetings"."transcripts"."sop_steps") <= 100
        and not jsonb_path_exists("meetings"."transcripts"."sop_steps", '$[*] ? (!(@.step.type() == "number" && @.step >= 1) || !(@.title.type() == "string"))'))
);
--> statement-breakpoint
ALTER TABLE "meetings"."transcripts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media"."media_assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"platform" "media"."platform" NOT NULL,
	"external_id" text NOT NULL,
	"kind" "media"."asset_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"url" text NOT NULL,
	"thumbnail_url" text,
	"mime_type" text,
	"duration_seconds" integer,
	"size_bytes" bigint,
	"status" "media"."asset_status" DEFAULT 'pending' NOT NULL,
	"failure_reason" text,
	"author_address" text,
	"author_contact_id" uuid,
	"author_member_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_media_assets_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_media_assets_external_id" CHECK (char_length("media"."media_assets"."external_id") between 1 and 500),
	CONSTRAINT "ck_media_assets_title" CHECK (char_length(btrim("media"."media_assets"."title")) between 1 and 500),
	CONSTRAINT "ck_media_assets_description" CHECK ("media"."media_assets"."description" is null or char_length("media"."media_assets"."description") <= 20000),
	CONSTRAINT "ck_media_assets_url" CHECK ("media"."media_assets"."url" ~ '^https?://' and char_length("media"."media_assets"."url") <= 2000),
	CONSTRAINT "ck_media_assets_thumbnail_url" CHECK ("media"."media_assets"."thumbnail_url" is null or ("media"."media_assets"."thumbnail_url" ~ '^https?://' and char_length("media"."media_assets"."thumbnail_url") <= 2000)),
	CONSTRAINT "ck_media_assets_mime_type" CHECK ("media"."media_assets"."mime_type" is null or (char_length("media"."media_assets"."mime_type") <= 255 and "media"."media_assets"."mime_type" ~ '^[a-z0-9.+-]+/[a-zA-Z0-9.+-]+$')),
	CONSTRAINT "ck_media_assets_duration_seconds" CHECK ("media"."media_assets"."duration_seconds" is null or ("media"."media_assets"."kind" not in ('document', 'image') and "media"."media_assets"."duration_seconds" between 0 and 86400)),
	CONSTRAINT "ck_media_assets_size_bytes" CHECK ("media"."media_assets"."size_bytes" is null or "media"."media_assets"."size_bytes" >= 0),
	CONSTRAINT "ck_media_assets_failure_reason" CHECK (("media"."media_assets"."status" = 'failed') = ("media"."media_assets"."failure_reason" is not null) and ("media"."media_assets"."failure_reason" is null or char_length("media"."media_assets"."failure_reason") between 1 and 2000)),
	CONSTRAINT "ck_media_assets_author_address" CHECK ("media"."media_assets"."author_address" is null or char_length(btrim("media"."media_assets"."author_address")) between 1 and 320)
);
--> statement-breakpoint
ALTER TABLE "media"."media_assets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media"."media_chunks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"media_transcript_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"speaker" text,
	"start_seconds" numeric(10, 3),
	"end_seconds" numeric(10, 3),
	"page" integer,
	"text" text NOT NULL,
	"embedding" vector(1536),
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_media_chunks_position" CHECK ("media"."media_chunks"."position" >= 0),
	CONSTRAINT "ck_media_chunks_time_range" CHECK (("media"."media_chunks"."start_seconds" is null) = ("media"."media_chunks"."end_seconds" is null) and ("media"."media_chunks"."start_seconds" is null or ("media"."media_chunks"."start_seconds" >= 0 and "media"."media_chunks"."end_seconds" >= "media"."media_chunks"."start_seconds"))),
	CONSTRAINT "ck_media_chunks_page" CHECK ("media"."media_chunks"."page" is null or "media"."media_chunks"."page" >= 1),
	CONSTRAINT "ck_media_chunks_text" CHECK (char_length("media"."media_chunks"."text") between 1 and 20000),
	CONSTRAINT "ck_media_chunks_speaker" CHECK ("media"."media_chunks"."speaker" is null or char_length("media"."media_chunks"."speaker") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "media"."media_transcripts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"media_id" uuid NOT NULL,
	"language" text,
	"summary" text,
	"chunk_count" integer DEFAULT 0 NOT NULL,
	"source_hash" text NOT NULL,
	"chunks_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_media_transcripts_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_media_transcripts_language" CHECK ("media"."media_transcripts"."language" is null or "media"."media_transcripts"."language" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
	CONSTRAINT "ck_media_transcripts_summary" CHECK ("media"."media_transcripts"."summary" is null or char_length("media"."media_transcripts"."summary") <= 20000),
	CONSTRAINT "ck_media_transcripts_chunk_count" CHECK ("media"."media_transcripts"."chunk_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "media"."media_transcripts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "meetings"."participants" ADD CONSTRAINT "fk_participants_meeting" FOREIGN KEY ("workspace_id","meeting_id") REFERENCES "meetings"."meetings"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings"."transcript_chunks" ADD CONSTRAINT "fk_transcript_chunks_transcript" FOREIGN KEY ("workspace_id","transcript_id") REFERENCES "meetings"."transcripts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings"."transcripts" ADD CONSTRAINT "fk_transcripts_meeting" FOREIGN KEY ("workspace_id","meeting_id") REFERENCES "meetings"."meetings"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media"."media_chunks" ADD CONSTRAINT "fk_media_chunks_media_transcript" FOREIGN KEY ("workspace_id","media_transcript_id") REFERENCES "media"."media_transcripts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media"."media_transcripts" ADD CONSTRAINT "fk_media_transcripts_media" FOREIGN KEY ("workspace_id","media_id") REFERENCES "media"."media_assets"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_meetings_workspace_platform_external" ON "meetings"."meetings" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "ix_meetings_workspace_start" ON "meetings"."meetings" USING btree ("workspace_id","start_time" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_meetings_workspace_founder_start" ON "meetings"."meetings" USING btree ("workspace_id","founder_id","start_time" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_participants_meeting_position" ON "meetings"."participants" USING btree ("meeting_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_participants_meeting_address" ON "meetings"."participants" USING btree ("meeting_id",lower("address"));--> statement-breakpoint
CREATE UNIQUE INDEX "uq_participants_meeting_contact" ON "meetings"."participants" USING btree ("meeting_id","contact_id") WHERE "meetings"."participants"."contact_id" is not null;--> statement-breakpoint
CREATE INDEX "ix_participants_workspace_contact" ON "meetings"."participants" USING btree ("workspace_id","contact_id") WHERE "meetings"."participants"."contact_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_transcript_chunks_workspace_transcript_position" ON "meetings"."transcript_chunks" USING btree ("workspace_id","transcript_id","position");--> statement-breakpoint
CREATE INDEX "ix_transcript_chunks_embedding" ON "meetings"."transcript_chunks" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_transcripts_meeting" ON "meetings"."transcripts" USING btree ("meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_media_assets_workspace_platform_external" ON "media"."media_assets" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "ix_media_assets_workspace_recorded" ON "media"."media_assets" USING btree ("workspace_id","recorded_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_media_assets_workspace_founder_recorded" ON "media"."media_assets" USING btree ("workspace_id","founder_id","recorded_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_media_assets_workspace_author_contact" ON "media"."media_assets" USING btree ("workspace_id","author_contact_id") WHERE "media"."media_assets"."author_contact_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_media_chunks_workspace_transcript_position" ON "media"."media_chunks" USING btree ("workspace_id","media_transcript_id","position");--> statement-breakpoint
CREATE INDEX "ix_media_chunks_embedding" ON "media"."media_chunks" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_media_transcripts_media" ON "media"."media_transcripts" USING btree ("media_id");--> statement-breakpoint
CREATE POLICY "meetings_select" ON "meetings"."meetings" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "meetings_insert" ON "meetings"."meetings" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "meetings"."meetings"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "meetings_update" ON "meetings"."meetings" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."meetings"."created_by" = (select auth.member_id()) or "meetings"."meetings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."meetings"."created_by" = (select auth.member_id()) or "meetings"."meetings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "meetings_delete" ON "meetings"."meetings" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."meetings"."created_by" = (select auth.member_id()) or "meetings"."meetings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "meetings_service" ON "meetings"."meetings" AS PERMISSIVE FOR ALL TO "chief_service" USING ("meetings"."meetings"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("meetings"."meetings"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "participants_select" ON "meetings"."participants" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("meetings"."participants"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "participants_insert" ON "meetings"."participants" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("meetings"."participants"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."participants"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))) and "meetings"."participants"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "participants_update" ON "meetings"."participants" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("meetings"."participants"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."participants"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null)))) WITH CHECK ("meetings"."participants"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."participants"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "participants_delete" ON "meetings"."participants" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("meetings"."participants"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."participants"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "participants_service" ON "meetings"."participants" AS PERMISSIVE FOR ALL TO "chief_service" USING ("meetings"."participants"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("meetings"."participants"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "transcript_chunks_select" ON "meetings"."transcript_chunks" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "transcript_chunks_insert" ON "meetings"."transcript_chunks" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcript_chunks"."transcript_id" in (select tr.id from meetings.transcripts tr where tr.meeting_id in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))) and "meetings"."transcript_chunks"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "transcript_chunks_update" ON "meetings"."transcript_chunks" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcript_chunks"."transcript_id" in (select tr.id from meetings.transcripts tr where tr.meeting_id in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null)))) WITH CHECK ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcript_chunks"."transcript_id" in (select tr.id from meetings.transcripts tr where tr.meeting_id in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "transcript_chunks_delete" ON "meetings"."transcript_chunks" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcript_chunks"."transcript_id" in (select tr.id from meetings.transcripts tr where tr.meeting_id in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "transcript_chunks_service" ON "meetings"."transcript_chunks" AS PERMISSIVE FOR ALL TO "chief_service" USING ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("meetings"."transcript_chunks"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "transcripts_select" ON "meetings"."transcripts" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "transcripts_insert" ON "meetings"."transcripts" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcripts"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))) and "meetings"."transcripts"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "transcripts_update" ON "meetings"."transcripts" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcripts"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null)))) WITH CHECK ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcripts"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "transcripts_delete" ON "meetings"."transcripts" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("meetings"."transcripts"."meeting_id" in (select p.id from meetings.meetings p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "transcripts_service" ON "meetings"."transcripts" AS PERMISSIVE FOR ALL TO "chief_service" USING ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("meetings"."transcripts"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "media_assets_select" ON "media"."media_assets" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("media"."media_assets"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "media_assets_insert" ON "media"."media_assets" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("media"."media_assets"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "media"."media_assets"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "media_assets_update" ON "media"."media_assets" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("media"."media_assets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_assets"."created_by" = (select auth.member_id()) or "media"."media_assets"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("media"."media_assets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_assets"."created_by" = (select auth.member_id()) or "media"."media_assets"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_assets_delete" ON "media"."media_assets" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("media"."media_assets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_assets"."created_by" = (select auth.member_id()) or "media"."media_assets"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_assets_service" ON "media"."media_assets" AS PERMISSIVE FOR ALL TO "chief_service" USING ("media"."media_assets"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("media"."media_assets"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "media_chunks_select" ON "media"."media_chunks" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "media_chunks_insert" ON "media"."media_chunks" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_chunks"."media_transcript_id" in (select mt.id from media.media_transcripts mt where mt.media_id in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))) and "media"."media_chunks"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "media_chunks_update" ON "media"."media_chunks" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_chunks"."media_transcript_id" in (select mt.id from media.media_transcripts mt where mt.media_id in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null)))) WITH CHECK ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_chunks"."media_transcript_id" in (select mt.id from media.media_transcripts mt where mt.media_id in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_chunks_delete" ON "media"."media_chunks" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_chunks"."media_transcript_id" in (select mt.id from media.media_transcripts mt where mt.media_id in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_chunks_service" ON "media"."media_chunks" AS PERMISSIVE FOR ALL TO "chief_service" USING ("media"."media_chunks"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("media"."media_chunks"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "media_transcripts_select" ON "media"."media_transcripts" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "media_transcripts_insert" ON "media"."media_transcripts" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_transcripts"."media_id" in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))) and "media"."media_transcripts"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "media_transcripts_update" ON "media"."media_transcripts" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_transcripts"."media_id" in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null)))) WITH CHECK ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_transcripts"."media_id" in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_transcripts_delete" ON "media"."media_transcripts" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("media"."media_transcripts"."media_id" in (select p.id from media.media_assets p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "media_transcripts_service" ON "media"."media_transcripts" AS PERMISSIVE FOR ALL TO "chief_service" USING ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("media"."media_transcripts"."workspace_id" = (select auth.workspace_id()));