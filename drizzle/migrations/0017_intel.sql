CREATE SCHEMA "intel";
--> statement-breakpoint
CREATE TYPE "intel"."agent_capability" AS ENUM('summaries', 'action_items', 'briefings', 'insights', 'nudges', 'sentiment', 'workflows');--> statement-breakpoint
CREATE TYPE "intel"."briefing_kind" AS ENUM('daily', 'weekly');--> statement-breakpoint
CREATE TYPE "intel"."briefing_status" AS ENUM('draft', 'ready', 'delivered');--> statement-breakpoint
CREATE TYPE "intel"."insight_kind" AS ENUM('metric', 'relationship', 'risk', 'opportunity', 'follow_up', 'trend', 'other');--> statement-breakpoint
CREATE TYPE "intel"."insight_status" AS ENUM('active', 'acknowledged', 'dismissed', 'expired');--> statement-breakpoint
CREATE TYPE "intel"."model_provider" AS ENUM('openai', 'anthropic', 'azure_openai', 'openai_compatible', 'local');--> statement-breakpoint
CREATE TYPE "intel"."model_task" AS ENUM('summary', 'action_items', 'sop_steps', 'briefing', 'insight', 'sentiment', 'embedding', 'chat');--> statement-breakpoint
CREATE TYPE "intel"."notification_channel" AS ENUM('in_app', 'email', 'push', 'slack');--> statement-breakpoint
CREATE TYPE "intel"."notification_kind" AS ENUM('going_cold', 'follow_up', 'task_due', 'meeting_prep', 'insight', 'briefing_ready', 'budget_warning', 'budget_exceeded', 'job_change', 'birthday', 'other');--> statement-breakpoint
CREATE TYPE "intel"."notification_priority" AS ENUM('low', 'medium', 'high', 'urgent');--> statement-breakpoint
CREATE TYPE "intel"."source_type" AS ENUM('communication', 'meeting', 'task', 'contact', 'media_asset', 'insight');--> statement-breakpoint
CREATE TABLE "intel"."agent_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"provider" "intel"."model_provider" DEFAULT 'openai' NOT NULL,
	"models" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"default_model" text DEFAULT 'gpt-4o-mini' NOT NULL,
	"temperature" numeric(3, 2) DEFAULT 0.7 NOT NULL,
	"max_input_tokens" integer DEFAULT 128000 NOT NULL,
	"max_output_tokens" integer DEFAULT 4096 NOT NULL,
	"capabilities" "intel"."agent_capability"[] DEFAULT '{summaries,action_items,briefings,insights,nudges,sentiment,workflows}'::intel.agent_capability[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_agent_settings_temperature" CHECK ("intel"."agent_settings"."temperature" between 0 and 2),
	CONSTRAINT "ck_agent_settings_tokens" CHECK ("intel"."agent_settings"."max_input_tokens" between 1 and 2000000 and "intel"."agent_settings"."max_output_tokens" between 1 and 200000),
	CONSTRAINT "ck_agent_settings_default_model" CHECK (char_length(btrim("intel"."agent_settings"."default_model")) between 1 and 200),
	CONSTRAINT "ck_agent_settings_models" CHECK (jsonb_typeof("intel"."agent_settings"."models") = 'object'
        and not jsonb_path_exists("intel"."agent_settings"."models", '$.keyvalue() ? (!(@.key like_regex "^(summary|action_items|sop_steps|briefing|insight|sentiment|embedding|chat)$") || @.value.type() != "string" || !(@.value like_regex "^[^ ].{0,199}$"))'))
);
--> statement-breakpoint
ALTER TABLE "intel"."agent_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "intel"."briefings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid NOT NULL,
	"kind" "intel"."briefing_kind" NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"status" "intel"."briefing_status" DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"sections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cited" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"delivered_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_briefings_founder_period" UNIQUE("workspace_id","founder_id","kind","period_start"),
	CONSTRAINT "ck_briefings_title" CHECK (char_length(btrim("intel"."briefings"."title")) between 1 and 300),
	CONSTRAINT "ck_briefings_summary" CHECK ("intel"."briefings"."summary" is null or char_length("intel"."briefings"."summary") <= 20000),
	CONSTRAINT "ck_briefings_period" CHECK ("intel"."briefings"."period_end" > "intel"."briefings"."period_start" and "intel"."briefings"."period_end" - "intel"."briefings"."period_start" <= interval '31 days'),
	CONSTRAINT "ck_briefings_delivered" CHECK (("intel"."briefings"."status" = 'delivered') = ("intel"."briefings"."delivered_at" is not null)),
	CONSTRAINT "ck_briefings_sections" CHECK (jsonb_typeof("intel"."briefings"."sections") = 'array' and jsonb_array_length("intel"."briefings"."sections") <= 20
        and not jsonb_path_exists("intel"."briefings"."sections", '$[*] ? (@.type() != "object" || !exists(@.title) || @.title.type() != "string" || !exists(@.body) || @.body.type() != "string" || !exists(@.citations) || @.citations.type() != "array")')
        and not jsonb_path_exists("intel"."briefings"."sections", '$[*].citations[*] ? (!exists(@.type) || !exists(@.id) || @.type.type() != "string" || @.id.type() != "string" || !(@.type like_regex "^(communication|meeting|task|contact|media_asset|insight)$") || !(@.id like_regex "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))')
        and octet_length("intel"."briefings"."sections"::text) <= 200000),
	CONSTRAINT "ck_briefings_cited" CHECK (jsonb_typeof("intel"."briefings"."cited") = 'array' and jsonb_array_length("intel"."briefings"."cited") <= 400 and not jsonb_path_exists("intel"."briefings"."cited", '$[*] ? (!exists(@.type) || !exists(@.id) || @.type.type() != "string" || @.id.type() != "string" || !(@.type like_regex "^(communication|meeting|task|contact|media_asset|insight)$") || !(@.id like_regex "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))'))
);
--> statement-breakpoint
ALTER TABLE "intel"."briefings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "intel"."decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"question" text NOT NULL,
	"context" text,
	"options" jsonb NOT NULL,
	"chosen_option" text,
	"rationale" text,
	"decided_by_member_id" uuid,
	"decided_at" timestamp with time zone,
	"insight_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_decisions_question" CHECK (char_length(btrim("intel"."decisions"."question")) between 1 and 1000),
	CONSTRAINT "ck_decisions_context" CHECK ("intel"."decisions"."context" is null or char_length("intel"."decisions"."context") <= 20000),
	CONSTRAINT "ck_decisions_rationale" CHECK ("intel"."decisions"."rationale" is null or char_length("intel"."decisions"."rationale") <= 20000),
	CONSTRAINT "ck_decisions_options" CHECK (jsonb_typeof("intel"."decisions"."options") = 'array' and jsonb_array_length("intel"."decisions"."options") between 2 and 20
        and not jsonb_path_exists("intel"."decisions"."options", '$[*] ? (@.type() != "object" || !exists(@.key) || @.key.type() != "string" || !exists(@.label) || @.label.type() != "string")')
        and octet_length("intel"."decisions"."options"::text) <= 50000),
	CONSTRAINT "ck_decisions_decided" CHECK (("intel"."decisions"."chosen_option" is null) = ("intel"."decisions"."decided_at" is null) and ("intel"."decisions"."chosen_option" is not null or ("intel"."decisions"."rationale" is null and "intel"."decisions"."decided_by_member_id" is null))),
	CONSTRAINT "ck_decisions_chosen_option" CHECK ("intel"."decisions"."chosen_option" is null or jsonb_path_exists("intel"."decisions"."options", '$[*] ? (@.key == $k)', jsonb_build_object('k', "intel"."decisions"."chosen_option"))),
	CONSTRAINT "ck_decisions_insight_ids" CHECK (cardinality("intel"."decisions"."insight_ids") <= 50)
);
--> statement-breakpoint
ALTER TABLE "intel"."decisions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "intel"."insights" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"kind" "intel"."insight_kind" NOT NULL,
	"title" text NOT NULL,
	"content" jsonb NOT NULL,
	"confidence" numeric(3, 2) NOT NULL,
	"impact_score" numeric(3, 2) DEFAULT 0.5 NOT NULL,
	"status" "intel"."insight_status" DEFAULT 'active' NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"expires_at" timestamp with time zone,
	"status_changed_at" timestamp with time zone,
	"embedding" vector(1536),
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_insights_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_insights_title" CHECK (char_length(btrim("intel"."insights"."title")) between 1 and 300),
	CONSTRAINT "ck_insights_confidence_range" CHECK ("intel"."insights"."confidence" between 0 and 1),
	CONSTRAINT "ck_insights_impact_range" CHECK ("intel"."insights"."impact_score" between 0 and 1),
	CONSTRAINT "ck_insights_content" CHECK (jsonb_typeof("intel"."insights"."content") = 'object'
        and jsonb_typeof("intel"."insights"."content"->'summary') = 'string' and char_length(btrim("intel"."insights"."content"->>'summary')) between 1 and 2000
        and coalesce(jsonb_typeof("intel"."insights"."content"->'details'), 'null') in ('string', 'null')
        and jsonb_typeof("intel"."insights"."content"->'metrics') = 'object' and not jsonb_path_exists("intel"."insights"."content"->'metrics', '$.* ? (@.type() != "number")')
        and jsonb_typeof("intel"."insights"."content"->'recommendations') = 'array' and jsonb_array_length("intel"."insights"."content"->'recommendations') <= 20
        and not jsonb_path_exists("intel"."insights"."content"->'recommendations', '$[*] ? (@.type() != "string")')
        and octet_length("intel"."insights"."content"::text) <= 50000),
	CONSTRAINT "ck_insights_evidence" CHECK (jsonb_typeof("intel"."insights"."evidence") = 'array' and jsonb_array_length("intel"."insights"."evidence") <= 50 and not jsonb_path_exists("intel"."insights"."evidence", '$[*] ? (!exists(@.type) || !exists(@.id) || @.type.type() != "string" || @.id.type() != "string" || !(@.type like_regex "^(communication|meeting|task|contact|media_asset|insight)$") || !(@.id like_regex "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"))'))
);
--> statement-breakpoint
ALTER TABLE "intel"."insights" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "intel"."notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"recipient_member_id" uuid,
	"founder_id" uuid,
	"kind" "intel"."notification_kind" NOT NULL,
	"channel" "intel"."notification_channel" DEFAULT 'in_app' NOT NULL,
	"priority" "intel"."notification_priority" DEFAULT 'medium' NOT NULL,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"action_url" text,
	"subject_type" "intel"."source_type",
	"subject_id" uuid,
	"dedup_key" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"read_at" timestamp with time zone,
	"snoozed_until" timestamp with time zone,
	"dismissed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_notifications_title" CHECK (char_length(btrim("intel"."notifications"."title")) between 1 and 300),
	CONSTRAINT "ck_notifications_message" CHECK (char_length("intel"."notifications"."message") between 1 and 5000),
	CONSTRAINT "ck_notifications_action_url" CHECK ("intel"."notifications"."action_url" is null or (char_length("intel"."notifications"."action_url") <= 2000 and "intel"."notifications"."action_url" ~ '^(https?://|/)')),
	CONSTRAINT "ck_notifications_subject" CHECK (("intel"."notifications"."subject_type" is null) = ("intel"."notifications"."subject_id" is null)),
	CONSTRAINT "ck_notifications_dedup_key" CHECK (char_length("intel"."notifications"."dedup_key") between 1 and 300),
	CONSTRAINT "ck_notifications_metadata" CHECK (jsonb_typeof("intel"."notifications"."metadata") = 'object' and octet_length("intel"."notifications"."metadata"::text) <= 10000)
);
--> statement-breakpoint
ALTER TABLE "intel"."notifications" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_agent_settings_workspace" ON "intel"."agent_settings" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "ix_briefings_workspace_founder_period" ON "intel"."briefings" USING btree ("workspace_id","founder_id","period_start" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_briefings_workspace_created" ON "intel"."briefings" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_briefings_cited" ON "intel"."briefings" USING gin ("cited" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "ix_decisions_workspace_created" ON "intel"."decisions" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_decisions_insight_ids" ON "intel"."decisions" USING gin ("insight_ids");--> statement-breakpoint
CREATE INDEX "ix_insights_workspace_created" ON "intel"."insights" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_insights_founder_active" ON "intel"."insights" USING btree ("workspace_id","founder_id","created_at" DESC NULLS LAST) WHERE "intel"."insights"."status" = 'active';--> statement-breakpoint
CREATE INDEX "ix_insights_evidence" ON "intel"."insights" USING gin ("evidence" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "ix_insights_embedding" ON "intel"."insights" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_notifications_dedup" ON "intel"."notifications" USING btree ("workspace_id","dedup_key");--> statement-breakpoint
CREATE INDEX "ix_notifications_workspace_created" ON "intel"."notifications" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_notifications_recipient_unread" ON "intel"."notifications" USING btree ("workspace_id","recipient_member_id","created_at" DESC NULLS LAST) WHERE "intel"."notifications"."read_at" is null and "intel"."notifications"."dismissed_at" is null;--> statement-breakpoint
CREATE POLICY "agent_settings_select" ON "intel"."agent_settings" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "agent_settings_insert" ON "intel"."agent_settings" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "agent_settings_update" ON "intel"."agent_settings" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin')) WITH CHECK ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "agent_settings_delete" ON "intel"."agent_settings" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "agent_settings_service" ON "intel"."agent_settings" AS PERMISSIVE FOR ALL TO "chief_service" USING ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("intel"."agent_settings"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "briefings_select" ON "intel"."briefings" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("intel"."briefings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "briefings_insert" ON "intel"."briefings" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("intel"."briefings"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "intel"."briefings"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "briefings_update" ON "intel"."briefings" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("intel"."briefings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."briefings"."created_by" = (select auth.member_id()) or "intel"."briefings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("intel"."briefings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."briefings"."created_by" = (select auth.member_id()) or "intel"."briefings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "briefings_delete" ON "intel"."briefings" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("intel"."briefings"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."briefings"."created_by" = (select auth.member_id()) or "intel"."briefings"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "briefings_service" ON "intel"."briefings" AS PERMISSIVE FOR ALL TO "chief_service" USING ("intel"."briefings"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("intel"."briefings"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "decisions_select" ON "intel"."decisions" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("intel"."decisions"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "decisions_insert" ON "intel"."decisions" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("intel"."decisions"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "intel"."decisions"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "decisions_update" ON "intel"."decisions" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("intel"."decisions"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."decisions"."created_by" = (select auth.member_id()) or "intel"."decisions"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("intel"."decisions"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."decisions"."created_by" = (select auth.member_id()) or "intel"."decisions"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "decisions_delete" ON "intel"."decisions" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("intel"."decisions"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."decisions"."created_by" = (select auth.member_id()) or "intel"."decisions"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "decisions_service" ON "intel"."decisions" AS PERMISSIVE FOR ALL TO "chief_service" USING ("intel"."decisions"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("intel"."decisions"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "insights_select" ON "intel"."insights" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("intel"."insights"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "insights_insert" ON "intel"."insights" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("intel"."insights"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "intel"."insights"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "insights_update" ON "intel"."insights" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("intel"."insights"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."insights"."created_by" = (select auth.member_id()) or "intel"."insights"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("intel"."insights"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."insights"."created_by" = (select auth.member_id()) or "intel"."insights"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "insights_delete" ON "intel"."insights" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("intel"."insights"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."insights"."created_by" = (select auth.member_id()) or "intel"."insights"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "insights_service" ON "intel"."insights" AS PERMISSIVE FOR ALL TO "chief_service" USING ("intel"."insights"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("intel"."insights"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "notifications_select" ON "intel"."notifications" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("intel"."notifications"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "notifications_insert" ON "intel"."notifications" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("intel"."notifications"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "intel"."notifications"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "notifications_update" ON "intel"."notifications" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("intel"."notifications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."notifications"."created_by" = (select auth.member_id()) or "intel"."notifications"."recipient_member_id" = (select auth.member_id()) or "intel"."notifications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("intel"."notifications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."notifications"."created_by" = (select auth.member_id()) or "intel"."notifications"."recipient_member_id" = (select auth.member_id()) or "intel"."notifications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "notifications_delete" ON "intel"."notifications" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("intel"."notifications"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("intel"."notifications"."created_by" = (select auth.member_id()) or "intel"."notifications"."recipient_member_id" = (select auth.member_id()) or "intel"."notifications"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "notifications_service" ON "intel"."notifications" AS PERMISSIVE FOR ALL TO "chief_service" USING ("intel"."notifications"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("intel"."notifications"."workspace_id" = (select auth.workspace_id()));