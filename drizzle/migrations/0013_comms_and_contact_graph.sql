-- Generated; the integrations key the sync jobs' foreign key needs was moved before it.
CREATE SCHEMA "comms";
--> statement-breakpoint
CREATE TYPE "core"."interest_source" AS ENUM('communication', 'meeting', 'manual');--> statement-breakpoint
CREATE TYPE "core"."relationship_type" AS ENUM('colleague', 'cofounder', 'investor', 'advisor', 'client', 'vendor', 'friend', 'family', 'introduced_by', 'other');--> statement-breakpoint
CREATE TYPE "core"."sync_job_status" AS ENUM('pending', 'running', 'completed', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "core"."sync_job_type" AS ENUM('full_sync', 'incremental_sync', 'contact_enrichment');--> statement-breakpoint
CREATE TYPE "comms"."platform" AS ENUM('gmail', 'outlook', 'email', 'slack', 'discord', 'whatsapp', 'telegram', 'teams', 'linkedin', 'sms', 'other');--> statement-breakpoint
CREATE TYPE "comms"."direction" AS ENUM('inbound', 'outbound', 'internal');--> statement-breakpoint
CREATE TYPE "comms"."urgency" AS ENUM('low', 'normal', 'high', 'urgent');--> statement-breakpoint
CREATE TABLE "core"."contact_interests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"category" text NOT NULL,
	"topic" text NOT NULL,
	"confidence" numeric(3, 2) NOT NULL,
	"evidence_count" integer DEFAULT 1 NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"first_detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_reinforced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_contact_interests_confidence" CHECK ("core"."contact_interests"."confidence" between 0 and 1),
	CONSTRAINT "ck_contact_interests_evidence_count" CHECK ("core"."contact_interests"."evidence_count" >= 1),
	CONSTRAINT "ck_contact_interests_category" CHECK (char_length(btrim("core"."contact_interests"."category")) between 1 and 100),
	CONSTRAINT "ck_contact_interests_topic" CHECK (char_length(btrim("core"."contact_interests"."topic")) between 1 and 255),
	CONSTRAINT "ck_contact_interests_evidence" CHECK (jsonb_typeof("core"."contact_interests"."evidence") = 'array' and jsonb_array_length("core"."contact_interests"."evidence") <= 20)
);
--> statement-breakpoint
ALTER TABLE "core"."contact_interests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."contact_relationships" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_a_id" uuid NOT NULL,
	"contact_b_id" uuid NOT NULL,
	"type" "core"."relationship_type" NOT NULL,
	"strength" numeric(3, 2) DEFAULT '0.5' NOT NULL,
	"shared_interactions" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_contact_relationships_pair" CHECK ("core"."contact_relationships"."contact_a_id" < "core"."contact_relationships"."contact_b_id"),
	CONSTRAINT "ck_contact_relationships_strength" CHECK ("core"."contact_relationships"."strength" between 0 and 1),
	CONSTRAINT "ck_contact_relationships_shared_interactions" CHECK ("core"."contact_relationships"."shared_interactions" >= 0)
);
--> statement-breakpoint
ALTER TABLE "core"."contact_relationships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."sync_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"job_type" "core"."sync_job_type" NOT NULL,
	"status" "core"."sync_job_status" DEFAULT 'running' NOT NULL,
	"items_total" integer,
	"items_seen" integer DEFAULT 0 NOT NULL,
	"items_written" integer DEFAULT 0 NOT NULL,
	"items_failed" integer DEFAULT 0 NOT NULL,
	"cursor" text,
	"error" jsonb,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_sync_jobs_counts" CHECK ("core"."sync_jobs"."items_seen" >= 0 and "core"."sync_jobs"."items_written" >= 0 and "core"."sync_jobs"."items_failed" >= 0 and "core"."sync_jobs"."items_written" + "core"."sync_jobs"."items_failed" <= "core"."sync_jobs"."items_seen"),
	CONSTRAINT "ck_sync_jobs_items_total" CHECK ("core"."sync_jobs"."items_total" is null or "core"."sync_jobs"."items_total" >= 0),
	CONSTRAINT "ck_sync_jobs_finished_at" CHECK (("core"."sync_jobs"."status" in ('completed', 'failed', 'cancelled')) = ("core"."sync_jobs"."finished_at" is not null)),
	CONSTRAINT "ck_sync_jobs_error" CHECK ("core"."sync_jobs"."status" <> 'failed' or "core"."sync_jobs"."error" is not null),
	CONSTRAINT "ck_sync_jobs_cursor" CHECK ("core"."sync_jobs"."cursor" is null or char_length("core"."sync_jobs"."cursor") <= 2000)
);
--> statement-breakpoint
ALTER TABLE "core"."sync_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "comms"."communications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"thread_id" uuid,
	"platform" "comms"."platform" NOT NULL,
	"external_id" text NOT NULL,
	"direction" "comms"."direction" NOT NULL,
	"sender_address" text NOT NULL,
	"sender_name" text,
	"sender_contact_id" uuid,
	"sender_member_id" uuid,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"contact_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"subject" text,
	"content" text DEFAULT '' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"follow_up_needed" boolean DEFAULT false NOT NULL,
	"follow_up_due_at" timestamp with time zone,
	"follow_up_note" text,
	"urgency" "comms"."urgency" DEFAULT 'normal' NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"sentiment" jsonb,
	"archived_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_hash" text NOT NULL,
	"embedding" vector(1536),
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_communications_external_id" CHECK (char_length("comms"."communications"."external_id") between 1 and 500),
	CONSTRAINT "ck_communications_sender_address" CHECK (char_length(btrim("comms"."communications"."sender_address")) between 1 and 320),
	CONSTRAINT "ck_communications_subject" CHECK ("comms"."communications"."subject" is null or char_length("comms"."communications"."subject") <= 1000),
	CONSTRAINT "ck_communications_content" CHECK (char_length("comms"."communications"."content") <= 200000),
	CONSTRAINT "ck_communications_recipients" CHECK (jsonb_typeof("comms"."communications"."recipients") = 'array' and jsonb_array_length("comms"."communications"."recipients") <= 500),
	CONSTRAINT "ck_communications_topics" CHECK (cardinality("comms"."communications"."topics") <= 20),
	CONSTRAINT "ck_communications_follow_up" CHECK ("comms"."communications"."follow_up_needed" or ("comms"."communications"."follow_up_due_at" is null and "comms"."communications"."follow_up_note" is null)),
	CONSTRAINT "ck_communications_sentiment" CHECK ("comms"."communications"."sentiment" is null or (jsonb_typeof("comms"."communications"."sentiment") = 'object'
        and case when jsonb_typeof("comms"."communications"."sentiment"->'score') = 'number' then ("comms"."communications"."sentiment"->>'score')::numeric between -1 and 1 else false end
        and case when jsonb_typeof("comms"."communications"."sentiment"->'confidence') = 'number' then ("comms"."communications"."sentiment"->>'confidence')::numeric between 0 and 1 else false end
        and coalesce("comms"."communications"."sentiment"->>'label', '') in ('positive', 'negative', 'neutral', 'mixed')
        and jsonb_typeof(coalesce("comms"."communications"."sentiment"->'keywords', '[]'::jsonb)) = 'array'))
);
--> statement-breakpoint
ALTER TABLE "comms"."communications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "comms"."threads" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"platform" "comms"."platform" NOT NULL,
	"external_id" text NOT NULL,
	"subject" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_threads_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_threads_external_id" CHECK (char_length("comms"."threads"."external_id") between 1 and 500),
	CONSTRAINT "ck_threads_subject" CHECK ("comms"."threads"."subject" is null or char_length("comms"."threads"."subject") <= 1000)
);
--> statement-breakpoint
ALTER TABLE "comms"."threads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "core"."contacts" ADD COLUMN "handles" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "core"."integrations" ADD CONSTRAINT "uq_integrations_workspace_id" UNIQUE("workspace_id","id");--> statement-breakpoint
ALTER TABLE "core"."contact_interests" ADD CONSTRAINT "fk_contact_interests_contact" FOREIGN KEY ("workspace_id","contact_id") REFERENCES "core"."contacts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."contact_relationships" ADD CONSTRAINT "fk_contact_relationships_contact_a" FOREIGN KEY ("workspace_id","contact_a_id") REFERENCES "core"."contacts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."contact_relationships" ADD CONSTRAINT "fk_contact_relationships_contact_b" FOREIGN KEY ("workspace_id","contact_b_id") REFERENCES "core"."contacts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."sync_jobs" ADD CONSTRAINT "fk_sync_jobs_integration" FOREIGN KEY ("workspace_id","integration_id") REFERENCES "core"."integrations"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comms"."communications" ADD CONSTRAINT "fk_communications_thread" FOREIGN KEY ("workspace_id","thread_id") REFERENCES "comms"."threads"("workspace_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_contact_interests_topic" ON "core"."contact_interests" USING btree ("workspace_id","contact_id",lower("category"),lower("topic"));--> statement-breakpoint
CREATE INDEX "ix_contact_interests_workspace_created" ON "core"."contact_interests" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_contact_relationships_pair" ON "core"."contact_relationships" USING btree ("workspace_id","contact_a_id","contact_b_id");--> statement-breakpoint
CREATE INDEX "ix_contact_relationships_workspace_created" ON "core"."contact_relationships" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_contact_relationships_contact_b" ON "core"."contact_relationships" USING btree ("workspace_id","contact_b_id");--> statement-breakpoint
CREATE INDEX "ix_sync_jobs_workspace_created" ON "core"."sync_jobs" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_sync_jobs_workspace_integration" ON "core"."sync_jobs" USING btree ("workspace_id","integration_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_communications_workspace_platform_external" ON "comms"."communications" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "ix_communications_workspace_received" ON "comms"."communications" USING btree ("workspace_id","received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_communications_workspace_founder_received" ON "comms"."communications" USING btree ("workspace_id","founder_id","received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_communications_workspace_thread_received" ON "comms"."communications" USING btree ("workspace_id","thread_id","received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_communications_contact_ids" ON "comms"."communications" USING gin ("contact_ids");--> statement-breakpoint
CREATE INDEX "ix_communications_follow_up" ON "comms"."communications" USING btree ("workspace_id","founder_id") WHERE "comms"."communications"."follow_up_needed";--> statement-breakpoint
CREATE INDEX "ix_communications_embedding" ON "comms"."communications" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_threads_workspace_platform_external" ON "comms"."threads" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "ix_threads_workspace_created" ON "comms"."threads" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_contacts_handles" ON "core"."contacts" USING gin ("handles");--> statement-breakpoint
CREATE POLICY "contact_interests_select" ON "core"."contact_interests" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "contact_interests_insert" ON "core"."contact_interests" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "core"."contact_interests"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "contact_interests_update" ON "core"."contact_interests" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_interests"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_interests"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "contact_interests_delete" ON "core"."contact_interests" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_interests"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "contact_interests_service" ON "core"."contact_interests" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."contact_interests"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."contact_interests"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "contact_relationships_select" ON "core"."contact_relationships" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "contact_relationships_insert" ON "core"."contact_relationships" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "core"."contact_relationships"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "contact_relationships_update" ON "core"."contact_relationships" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_relationships"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_relationships"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "contact_relationships_delete" ON "core"."contact_relationships" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."contact_relationships"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "contact_relationships_service" ON "core"."contact_relationships" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."contact_relationships"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "sync_jobs_select" ON "core"."sync_jobs" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "sync_jobs_insert" ON "core"."sync_jobs" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "core"."sync_jobs"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "sync_jobs_update" ON "core"."sync_jobs" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."sync_jobs"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."sync_jobs"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "sync_jobs_delete" ON "core"."sync_jobs" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("core"."sync_jobs"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "sync_jobs_service" ON "core"."sync_jobs" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."sync_jobs"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "communications_select" ON "comms"."communications" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("comms"."communications"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "communications_insert" ON "comms"."communications" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("comms"."communications"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "comms"."communications"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "communications_update" ON "comms"."communications" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("comms"."communications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."communications"."created_by" = (select auth.member_id()) or "comms"."communications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("comms"."communications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."communications"."created_by" = (select auth.member_id()) or "comms"."communications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "communications_delete" ON "comms"."communications" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("comms"."communications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."communications"."created_by" = (select auth.member_id()) or "comms"."communications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "communications_service" ON "comms"."communications" AS PERMISSIVE FOR ALL TO "chief_service" USING ("comms"."communications"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("comms"."communications"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "threads_select" ON "comms"."threads" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("comms"."threads"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "threads_insert" ON "comms"."threads" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("comms"."threads"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "comms"."threads"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "threads_update" ON "comms"."threads" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("comms"."threads"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."threads"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("comms"."threads"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."threads"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "threads_delete" ON "comms"."threads" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("comms"."threads"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("comms"."threads"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "threads_service" ON "comms"."threads" AS PERMISSIVE FOR ALL TO "chief_service" USING ("comms"."threads"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("comms"."threads"."workspace_id" = (select auth.workspace_id()));