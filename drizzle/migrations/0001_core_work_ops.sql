CREATE SCHEMA "core";
--> statement-breakpoint
CREATE SCHEMA "ops";
--> statement-breakpoint
CREATE SCHEMA "work";
--> statement-breakpoint
CREATE TYPE "core"."deal_stage" AS ENUM('lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost');--> statement-breakpoint
CREATE TYPE "core"."integration_platform" AS ENUM('gmail', 'google_calendar', 'outlook', 'slack', 'discord', 'whatsapp', 'zoom', 'google_meet', 'fireflies', 'loom', 'monday', 'linear', 'asana', 'notion', 'hubspot', 'linkedin');--> statement-breakpoint
CREATE TYPE "core"."integration_status" AS ENUM('pending', 'connected', 'error', 'revoked');--> statement-breakpoint
CREATE TYPE "core"."role_type" AS ENUM('owner', 'admin', 'member', 'viewer', 'service');--> statement-breakpoint
CREATE TYPE "ops"."actor_role" AS ENUM('origin', 'on_behalf', 'target');--> statement-breakpoint
CREATE TYPE "ops"."link_type" AS ENUM('caused', 'derived_from', 'references', 'updates');--> statement-breakpoint
CREATE TYPE "work"."sync_state" AS ENUM('pending', 'synced', 'error', 'conflict');--> statement-breakpoint
CREATE TYPE "work"."task_priority" AS ENUM('low', 'medium', 'high', 'urgent');--> statement-breakpoint
CREATE TYPE "work"."task_source" AS ENUM('manual', 'meeting', 'communication', 'insight');--> statement-breakpoint
CREATE TYPE "work"."task_status" AS ENUM('todo', 'in_progress', 'blocked', 'done', 'canceled');--> statement-breakpoint
CREATE TYPE "work"."tracker_platform" AS ENUM('monday', 'linear', 'asana', 'jira', 'github', 'notion', 'clickup', 'trello');--> statement-breakpoint
CREATE TABLE "core"."api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_api_keys_name" CHECK (char_length(btrim("core"."api_keys"."name")) between 1 and 100),
	CONSTRAINT "ck_api_keys_scopes" CHECK (cardinality("core"."api_keys"."scopes") > 0 and "core"."api_keys"."scopes" <@ array['read', 'write']::text[])
);
--> statement-breakpoint
ALTER TABLE "core"."api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"full_name" text NOT NULL,
	"email" text,
	"phone" text,
	"company" text,
	"job_title" text,
	"linkedin_url" text,
	"location" text,
	"bio" text,
	"notes" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"relationship_strength" numeric(3, 2) DEFAULT '0' NOT NULL,
	"last_interaction_at" timestamp with time zone,
	"source" text DEFAULT 'manual' NOT NULL,
	"external_id" text,
	"is_archived" boolean DEFAULT false NOT NULL,
	"embedding" vector(1536),
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_contacts_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_contacts_full_name" CHECK (char_length(btrim("core"."contacts"."full_name")) between 1 and 200),
	CONSTRAINT "ck_contacts_email" CHECK ("core"."contacts"."email" is null or "core"."contacts"."email" ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
	CONSTRAINT "ck_contacts_relationship_strength" CHECK ("core"."contacts"."relationship_strength" between 0 and 1)
);
--> statement-breakpoint
ALTER TABLE "core"."contacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."deals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"contact_id" uuid,
	"title" text NOT NULL,
	"stage" "core"."deal_stage" DEFAULT 'lead' NOT NULL,
	"probability" integer DEFAULT 0 NOT NULL,
	"value_amount" numeric(14, 2),
	"value_currency" text,
	"expected_close_date" date,
	"closed_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_deals_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_deals_title" CHECK (char_length(btrim("core"."deals"."title")) between 1 and 300),
	CONSTRAINT "ck_deals_probability" CHECK ("core"."deals"."probability" between 0 and 100),
	CONSTRAINT "ck_deals_value_amount" CHECK ("core"."deals"."value_amount" is null or "core"."deals"."value_amount" >= 0),
	CONSTRAINT "ck_deals_value_currency" CHECK (("core"."deals"."value_amount" is null) = ("core"."deals"."value_currency" is null) and ("core"."deals"."value_currency" is null or "core"."deals"."value_currency" ~ '^[A-Z]{3}$'))
);
--> statement-breakpoint
ALTER TABLE "core"."deals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."founders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" text,
	"display_name" text NOT NULL,
	"email" text NOT NULL,
	"title" text,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"preferences" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_founders_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_founders_display_name" CHECK (char_length(btrim("core"."founders"."display_name")) between 1 and 200),
	CONSTRAINT "ck_founders_email" CHECK ("core"."founders"."email" ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')
);
--> statement-breakpoint
ALTER TABLE "core"."founders" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"platform" "core"."integration_platform" NOT NULL,
	"status" "core"."integration_status" DEFAULT 'pending' NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"credentials_enc" "bytea",
	"credentials_key_version" integer,
	"last_sync_at" timestamp with time zone,
	"error_message" text,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_integrations_workspace_founder_platform" UNIQUE NULLS NOT DISTINCT("workspace_id","founder_id","platform")
);
--> statement-breakpoint
ALTER TABLE "core"."integrations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"role" "core"."role_type" NOT NULL,
	"display_name" text NOT NULL,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_members_workspace_user" UNIQUE("workspace_id","user_id"),
	CONSTRAINT "uq_members_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_members_display_name" CHECK (char_length(btrim("core"."members"."display_name")) between 1 and 200),
	CONSTRAINT "ck_members_email" CHECK ("core"."members"."email" is null or "core"."members"."email" ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$')
);
--> statement-breakpoint
ALTER TABLE "core"."members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "core"."workspaces" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"created_by_user_id" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_workspaces_name" CHECK (char_length(btrim("core"."workspaces"."name")) between 1 and 200),
	CONSTRAINT "ck_workspaces_slug" CHECK ("core"."workspaces"."slug" ~ '^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$')
);
--> statement-breakpoint
ALTER TABLE "core"."workspaces" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ops"."event_actors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"role" "ops"."actor_role" NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ops"."event_actors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ops"."event_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"link_type" "ops"."link_type" NOT NULL,
	"ref_event_id" uuid,
	"entity_type" text,
	"entity_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_event_links_target" CHECK (("ops"."event_links"."ref_event_id" is not null) or ("ops"."event_links"."entity_type" is not null and "ops"."event_links"."entity_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "ops"."event_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ops"."events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ops"."events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"type" text NOT NULL,
	"entity_type" text,
	"entity_id" uuid,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_events_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_events_type" CHECK ("ops"."events"."type" ~ '^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*$'),
	CONSTRAINT "ck_events_actor_type" CHECK ("ops"."events"."actor_type" in ('user', 'agent', 'system', 'integration', 'api_key'))
);
--> statement-breakpoint
ALTER TABLE "ops"."events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "work"."task_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"platform" "work"."tracker_platform" NOT NULL,
	"external_id" text NOT NULL,
	"url" text,
	"sync_state" "work"."sync_state" DEFAULT 'pending' NOT NULL,
	"last_synced_at" timestamp with time zone,
	"sync_error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "work"."task_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "work"."tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"status" "work"."task_status" DEFAULT 'todo' NOT NULL,
	"priority" "work"."task_priority" DEFAULT 'medium' NOT NULL,
	"due_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"founder_id" uuid,
	"assignee_member_id" uuid,
	"contact_id" uuid,
	"deal_id" uuid,
	"source_type" "work"."task_source" DEFAULT 'manual' NOT NULL,
	"source_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_tasks_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_tasks_title" CHECK (char_length(btrim("work"."tasks"."title")) between 1 and 500),
	CONSTRAINT "ck_tasks_completed_at" CHECK (("work"."tasks"."status" = 'done') = ("work"."tasks"."completed_at" is not null)),
	CONSTRAINT "ck_tasks_source_id" CHECK (("work"."tasks"."source_type" = 'manual') = ("work"."tasks"."source_id" is null))
);
--> statement-breakpoint
ALTER TABLE "work"."tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "core"."api_keys" ADD CONSTRAINT "fk_api_keys_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."contacts" ADD CONSTRAINT "fk_contacts_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."deals" ADD CONSTRAINT "fk_deals_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."founders" ADD CONSTRAINT "fk_founders_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."integrations" ADD CONSTRAINT "fk_integrations_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "core"."members" ADD CONSTRAINT "fk_members_workspace" FOREIGN KEY ("workspace_id") REFERENCES "core"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ops"."event_actors" ADD CONSTRAINT "fk_event_actors_event" FOREIGN KEY ("workspace_id","event_id") REFERENCES "ops"."events"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ops"."event_links" ADD CONSTRAINT "fk_event_links_event" FOREIGN KEY ("workspace_id","event_id") REFERENCES "ops"."events"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ops"."event_links" ADD CONSTRAINT "fk_event_links_ref_event" FOREIGN KEY ("workspace_id","ref_event_id") REFERENCES "ops"."events"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work"."task_links" ADD CONSTRAINT "fk_task_links_task" FOREIGN KEY ("workspace_id","task_id") REFERENCES "work"."tasks"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_api_keys_key_hash" ON "core"."api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_api_keys_prefix" ON "core"."api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "ix_api_keys_workspace_created" ON "core"."api_keys" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "uq_contacts_workspace_email" ON "core"."contacts" USING btree ("workspace_id",lower("email")) WHERE "core"."contacts"."email" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_contacts_workspace_source_external" ON "core"."contacts" USING btree ("workspace_id","source","external_id") WHERE "core"."contacts"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "ix_contacts_workspace_created" ON "core"."contacts" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_contacts_workspace_company" ON "core"."contacts" USING btree ("workspace_id","company");--> statement-breakpoint
CREATE INDEX "ix_contacts_tags" ON "core"."contacts" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "ix_contacts_embedding" ON "core"."contacts" USING hnsw ("embedding" vector_cosine_ops);--> statement-breakpoint
CREATE INDEX "ix_deals_workspace_created" ON "core"."deals" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_deals_workspace_stage" ON "core"."deals" USING btree ("workspace_id","stage");--> statement-breakpoint
CREATE INDEX "ix_deals_workspace_contact" ON "core"."deals" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_founders_workspace_email" ON "core"."founders" USING btree ("workspace_id","email");--> statement-breakpoint
CREATE INDEX "ix_integrations_workspace_created" ON "core"."integrations" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_members_user" ON "core"."members" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_workspaces_slug" ON "core"."workspaces" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "ix_event_actors_workspace_event" ON "ops"."event_actors" USING btree ("workspace_id","event_id");--> statement-breakpoint
CREATE INDEX "ix_event_actors_workspace_actor" ON "ops"."event_actors" USING btree ("workspace_id","actor_type","actor_id");--> statement-breakpoint
CREATE INDEX "ix_event_links_workspace_event" ON "ops"."event_links" USING btree ("workspace_id","event_id");--> statement-breakpoint
CREATE INDEX "ix_event_links_workspace_entity" ON "ops"."event_links" USING btree ("workspace_id","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "ix_event_links_workspace_ref" ON "ops"."event_links" USING btree ("workspace_id","ref_event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_events_seq" ON "ops"."events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "ix_events_workspace_seq" ON "ops"."events" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "ix_events_workspace_entity" ON "ops"."events" USING btree ("workspace_id","entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "ix_events_workspace_type" ON "ops"."events" USING btree ("workspace_id","type");--> statement-breakpoint
CREATE UNIQUE INDEX "uq_task_links_workspace_platform_external" ON "work"."task_links" USING btree ("workspace_id","platform","external_id");--> statement-breakpoint
CREATE INDEX "ix_task_links_workspace_task" ON "work"."task_links" USING btree ("workspace_id","task_id");--> statement-breakpoint
CREATE INDEX "ix_tasks_workspace_created" ON "work"."tasks" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_tasks_workspace_assignee" ON "work"."tasks" USING btree ("workspace_id","assignee_member_id");--> statement-breakpoint
CREATE INDEX "ix_tasks_workspace_founder" ON "work"."tasks" USING btree ("workspace_id","founder_id");--> statement-breakpoint
CREATE INDEX "ix_tasks_workspace_contact" ON "work"."tasks" USING btree ("workspace_id","contact_id");--> statement-breakpoint
CREATE INDEX "ix_tasks_workspace_deal" ON "work"."tasks" USING btree ("workspace_id","deal_id");--> statement-breakpoint
CREATE INDEX "ix_tasks_active" ON "work"."tasks" USING btree ("workspace_id","status","due_at") WHERE "work"."tasks"."status" in ('todo', 'in_progress');--> statement-breakpoint
CREATE POLICY "api_keys_select" ON "core"."api_keys" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."api_keys"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "api_keys_insert" ON "core"."api_keys" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."api_keys"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "api_keys_update" ON "core"."api_keys" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."api_keys"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin')) WITH CHECK ("core"."api_keys"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "api_keys_delete" ON "core"."api_keys" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."api_keys"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "api_keys_service" ON "core"."api_keys" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."api_keys"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."api_keys"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "contacts_select" ON "core"."contacts" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."contacts"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "contacts_insert" ON "core"."contacts" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."contacts"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "contacts_update" ON "core"."contacts" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."contacts"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."contacts"."created_by" = (select auth.member_id()))))) WITH CHECK ("core"."contacts"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."contacts"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "contacts_delete" ON "core"."contacts" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."contacts"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."contacts"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "contacts_service" ON "core"."contacts" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."contacts"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."contacts"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "deals_select" ON "core"."deals" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."deals"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "deals_insert" ON "core"."deals" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."deals"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "deals_update" ON "core"."deals" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."deals"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."deals"."created_by" = (select auth.member_id()))))) WITH CHECK ("core"."deals"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."deals"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "deals_delete" ON "core"."deals" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."deals"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."deals"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "deals_service" ON "core"."deals" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."deals"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."deals"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "founders_select" ON "core"."founders" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."founders"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "founders_insert" ON "core"."founders" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."founders"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "founders_update" ON "core"."founders" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."founders"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) is not null and "core"."founders"."user_id" = (select auth.user_id())))) WITH CHECK ("core"."founders"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) is not null and "core"."founders"."user_id" = (select auth.user_id()))));--> statement-breakpoint
CREATE POLICY "founders_delete" ON "core"."founders" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."founders"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "founders_service" ON "core"."founders" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."founders"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."founders"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "integrations_select" ON "core"."integrations" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."integrations"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "integrations_insert" ON "core"."integrations" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."integrations"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "integrations_update" ON "core"."integrations" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."integrations"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."integrations"."created_by" = (select auth.member_id()))))) WITH CHECK ("core"."integrations"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."integrations"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "integrations_delete" ON "core"."integrations" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."integrations"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("core"."integrations"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "integrations_service" ON "core"."integrations" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."integrations"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."integrations"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "members_select" ON "core"."members" AS PERMISSIVE FOR SELECT TO "chief_app" USING (("core"."members"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null) or "core"."members"."user_id" = (select auth.user_id()));--> statement-breakpoint
CREATE POLICY "members_insert" ON "core"."members" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK (("core"."members"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'))
        or ("core"."members"."user_id" = (select auth.user_id()) and "core"."members"."role" = 'owner' and auth.may_enrol_as_first_owner("core"."members"."workspace_id")));--> statement-breakpoint
CREATE POLICY "members_update" ON "core"."members" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."members"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin')) WITH CHECK ("core"."members"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "members_delete" ON "core"."members" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."members"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or "core"."members"."user_id" = (select auth.user_id())));--> statement-breakpoint
CREATE POLICY "members_service" ON "core"."members" AS PERMISSIVE FOR ALL TO "chief_service" USING ("core"."members"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("core"."members"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "workspaces_select" ON "core"."workspaces" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("core"."workspaces"."id" in (select auth.user_workspaces()));--> statement-breakpoint
CREATE POLICY "workspaces_insert" ON "core"."workspaces" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("core"."workspaces"."created_by_user_id" = (select auth.user_id()));--> statement-breakpoint
CREATE POLICY "workspaces_update" ON "core"."workspaces" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("core"."workspaces"."id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin')) WITH CHECK ("core"."workspaces"."id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin'));--> statement-breakpoint
CREATE POLICY "workspaces_delete" ON "core"."workspaces" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("core"."workspaces"."id" = (select auth.workspace_id()) and (select auth.member_role()) = 'owner');--> statement-breakpoint
CREATE POLICY "workspaces_service" ON "core"."workspaces" AS PERMISSIVE FOR SELECT TO "chief_service" USING ("core"."workspaces"."id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "event_actors_select" ON "ops"."event_actors" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("ops"."event_actors"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "event_actors_insert" ON "ops"."event_actors" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("ops"."event_actors"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "event_actors_service" ON "ops"."event_actors" AS PERMISSIVE FOR ALL TO "chief_service" USING ("ops"."event_actors"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("ops"."event_actors"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "event_links_select" ON "ops"."event_links" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("ops"."event_links"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "event_links_insert" ON "ops"."event_links" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("ops"."event_links"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "event_links_service" ON "ops"."event_links" AS PERMISSIVE FOR ALL TO "chief_service" USING ("ops"."event_links"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("ops"."event_links"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "events_select" ON "ops"."events" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("ops"."events"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "events_insert" ON "ops"."events" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("ops"."events"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "events_service" ON "ops"."events" AS PERMISSIVE FOR ALL TO "chief_service" USING ("ops"."events"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("ops"."events"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "task_links_select" ON "work"."task_links" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("work"."task_links"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "task_links_insert" ON "work"."task_links" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("work"."task_links"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "task_links_update" ON "work"."task_links" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("work"."task_links"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."task_links"."created_by" = (select auth.member_id()))))) WITH CHECK ("work"."task_links"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."task_links"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "task_links_delete" ON "work"."task_links" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("work"."task_links"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."task_links"."created_by" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "task_links_service" ON "work"."task_links" AS PERMISSIVE FOR ALL TO "chief_service" USING ("work"."task_links"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("work"."task_links"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "tasks_select" ON "work"."tasks" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("work"."tasks"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) is not null);--> statement-breakpoint
CREATE POLICY "tasks_insert" ON "work"."tasks" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("work"."tasks"."workspace_id" = (select auth.workspace_id()) and (select auth.member_role()) in ('owner', 'admin', 'member'));--> statement-breakpoint
CREATE POLICY "tasks_update" ON "work"."tasks" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("work"."tasks"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."tasks"."created_by" = (select auth.member_id()) or "work"."tasks"."assignee_member_id" = (select auth.member_id()))))) WITH CHECK ("work"."tasks"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."tasks"."created_by" = (select auth.member_id()) or "work"."tasks"."assignee_member_id" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "tasks_delete" ON "work"."tasks" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("work"."tasks"."workspace_id" = (select auth.workspace_id()) and ((select auth.member_role()) in ('owner', 'admin') or ((select auth.member_role()) in ('owner', 'admin', 'member') and ("work"."tasks"."created_by" = (select auth.member_id()) or "work"."tasks"."assignee_member_id" = (select auth.member_id())))));--> statement-breakpoint
CREATE POLICY "tasks_service" ON "work"."tasks" AS PERMISSIVE FOR ALL TO "chief_service" USING ("work"."tasks"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("work"."tasks"."workspace_id" = (select auth.workspace_id()));