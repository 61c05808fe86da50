CREATE SCHEMA "flows";
--> statement-breakpoint
CREATE TYPE "flows"."approval_decision" AS ENUM('approved', 'rejected');--> statement-breakpoint
CREATE TYPE "flows"."node_status" AS ENUM('pending', 'running', 'success', 'error', 'warning', 'skipped');--> statement-breakpoint
CREATE TYPE "flows"."node_type" AS ENUM('agent', 'task', 'integration', 'decision');--> statement-breakpoint
CREATE TYPE "flows"."usage_outcome" AS ENUM('recorded', 'refused');--> statement-breakpoint
CREATE TYPE "flows"."workflow_kind" AS ENUM('custom', 'meeting_ingestion', 'daily_briefing', 'relationship_scoring', 'nudges');--> statement-breakpoint
CREATE TYPE "flows"."workflow_stage" AS ENUM('planning', 'pending_approval', 'orchestrating', 'building', 'reviewing', 'completed', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "flows"."workflows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"founder_id" uuid,
	"meeting_id" uuid,
	"kind" "flows"."workflow_kind" DEFAULT 'custom' NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"objective" text NOT NULL,
	"stage" "flows"."workflow_stage" DEFAULT 'planning' NOT NULL,
	"requires_approval" boolean DEFAULT true NOT NULL,
	"orchestrator" text,
	"approval_decision" "flows"."approval_decision",
	"approval_comment" text,
	"decided_by_member_id" uuid,
	"decided_at" timestamp with time zone,
	"generation" integer DEFAULT 1 NOT NULL,
	"result_summary" text,
	"failure_reason" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_workflows_workspace_id" UNIQUE("workspace_id","id"),
	CONSTRAINT "ck_workflows_name" CHECK (char_length(btrim("flows"."workflows"."name")) between 1 and 200),
	CONSTRAINT "ck_workflows_description" CHECK ("flows"."workflows"."description" is null or char_length("flows"."workflows"."description") <= 5000),
	CONSTRAINT "ck_workflows_objective" CHECK (char_length(btrim("flows"."workflows"."objective")) between 1 and 20000),
	CONSTRAINT "ck_workflows_orchestrator" CHECK ("flows"."workflows"."orchestrator" is null or char_length("flows"."workflows"."orchestrator") between 1 and 200),
	CONSTRAINT "ck_workflows_result_summary" CHECK ("flows"."workflows"."result_summary" is null or char_length("flows"."workflows"."result_summary") <= 20000),
	CONSTRAINT "ck_workflows_failure_reason" CHECK (("flows"."workflows"."failure_reason" is not null) = ("flows"."workflows"."stage" = 'failed') and ("flows"."workflows"."failure_reason" is null or char_length("flows"."workflows"."failure_reason") between 1 and 5000)),
	CONSTRAINT "ck_workflows_finished" CHECK (("flows"."workflows"."finished_at" is not null) = ("flows"."workflows"."stage" in ('completed', 'failed', 'cancelled'))),
	CONSTRAINT "ck_workflows_decision" CHECK (("flows"."workflows"."approval_decision" is null) = ("flows"."workflows"."decided_at" is null) and ("flows"."workflows"."approval_comment" is null or char_length("flows"."workflows"."approval_comment") <= 5000)),
	CONSTRAINT "ck_workflows_generation" CHECK ("flows"."workflows"."generation" >= 1)
);
--> statement-breakpoint
ALTER TABLE "flows"."workflows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "flows"."workflow_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"step" text NOT NULL,
	"next_step" text,
	"schema_version" text NOT NULL,
	"state" jsonb NOT NULL,
	"generation" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_workflow_states_version" UNIQUE("workflow_id","version"),
	CONSTRAINT "uq_workflow_states_step" UNIQUE("workflow_id","step"),
	CONSTRAINT "ck_workflow_states_version" CHECK ("flows"."workflow_states"."version" >= 1),
	CONSTRAINT "ck_workflow_states_step" CHECK ("flows"."workflow_states"."step" ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$'),
	CONSTRAINT "ck_workflow_states_next_step" CHECK ("flows"."workflow_states"."next_step" is null or "flows"."workflow_states"."next_step" ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$'),
	CONSTRAINT "ck_workflow_states_schema_version" CHECK ("flows"."workflow_states"."schema_version" ~ '^[0-9]+\.[0-9]+(\.[0-9]+)?$'),
	CONSTRAINT "ck_workflow_states_state" CHECK (jsonb_typeof("flows"."workflow_states"."state") = 'object' and octet_length("flows"."workflow_states"."state"::text) <= 262144)
);
--> statement-breakpoint
ALTER TABLE "flows"."workflow_states" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "flows"."workflow_nodes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"workflow_id" uuid NOT NULL,
	"node_key" text NOT NULL,
	"node_type" "flows"."node_type" NOT NULL,
	"label" text NOT NULL,
	"position_x" integer,
	"position_y" integer,
	"status" "flows"."node_status" DEFAULT 'pending' NOT NULL,
	"progress" numeric(5, 2) DEFAULT 0 NOT NULL,
	"status_message" text,
	"connected_to" text[] DEFAULT '{}'::text[] NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "uq_workflow_nodes_key" UNIQUE("workflow_id","node_key"),
	CONSTRAINT "ck_workflow_nodes_key" CHECK ("flows"."workflow_nodes"."node_key" ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'),
	CONSTRAINT "ck_workflow_nodes_label" CHECK (char_length(btrim("flows"."workflow_nodes"."label")) between 1 and 200),
	CONSTRAINT "ck_workflow_nodes_progress" CHECK ("flows"."workflow_nodes"."progress" between 0 and 100),
	CONSTRAINT "ck_workflow_nodes_status_message" CHECK ("flows"."workflow_nodes"."status_message" is null or char_length("flows"."workflow_nodes"."status_message") <= 500),
	CONSTRAINT "ck_workflow_nodes_connected_to" CHECK (cardinality("flows"."workflow_nodes"."connected_to") <= 50 and not ("flows"."workflow_nodes"."node_key" = any ("flows"."workflow_nodes"."connected_to"))),
	CONSTRAINT "ck_workflow_nodes_position" CHECK (("flows"."workflow_nodes"."position_x" is null) = ("flows"."workflow_nodes"."position_y" is null)),
	CONSTRAINT "ck_workflow_nodes_finished" CHECK ("flows"."workflow_nodes"."finished_at" is null or ("flows"."workflow_nodes"."started_at" is not null and "flows"."workflow_nodes"."finished_at" >= "flows"."workflow_nodes"."started_at"))
);
--> statement-breakpoint
ALTER TABLE "flows"."workflow_nodes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "flows"."token_usage" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"workflow_id" uuid,
	"pipeline" text,
	"model" text NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"total_tokens" integer GENERATED ALWAYS AS (input_tokens + output_tokens) STORED,
	"input_price_per_million" numeric(12, 6) NOT NULL,
	"output_price_per_million" numeric(12, 6) NOT NULL,
	"cost_usd" numeric(16, 8) GENERATED ALWAYS AS ((input_tokens * input_price_per_million + output_tokens * output_price_per_million) / 1000000) STORED,
	"latency_ms" integer,
	"outcome" "flows"."usage_outcome" DEFAULT 'recorded' NOT NULL,
	"refusal_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_token_usage_model" CHECK ("flows"."token_usage"."model" ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$'),
	CONSTRAINT "ck_token_usage_pipeline" CHECK ("flows"."token_usage"."pipeline" is null or "flows"."token_usage"."pipeline" ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'),
	CONSTRAINT "ck_token_usage_tokens" CHECK ("flows"."token_usage"."input_tokens" between 0 and 10000000 and "flows"."token_usage"."output_tokens" between 0 and 10000000),
	CONSTRAINT "ck_token_usage_prices" CHECK ("flows"."token_usage"."input_price_per_million" >= 0 and "flows"."token_usage"."output_price_per_million" >= 0),
	CONSTRAINT "ck_token_usage_latency" CHECK ("flows"."token_usage"."latency_ms" is null or "flows"."token_usage"."latency_ms" between 0 and 86400000),
	CONSTRAINT "ck_token_usage_refusal" CHECK (("flows"."token_usage"."outcome" = 'refused') = ("flows"."token_usage"."refusal_reason" is not null))
);
--> statement-breakpoint
ALTER TABLE "flows"."token_usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "flows"."budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"workflow_id" uuid,
	"limit_usd" numeric(12, 4),
	"workflow_limit_usd" numeric(12, 4),
	"warn_ratio" numeric(3, 2) DEFAULT 0.8 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ck_budgets_limit" CHECK (("flows"."budgets"."limit_usd" is null or "flows"."budgets"."limit_usd" > 0) and ("flows"."budgets"."workflow_limit_usd" is null or "flows"."budgets"."workflow_limit_usd" > 0)),
	CONSTRAINT "ck_budgets_workflow_limit" CHECK ("flows"."budgets"."workflow_id" is null or ("flows"."budgets"."workflow_limit_usd" is null and "flows"."budgets"."limit_usd" is not null)),
	CONSTRAINT "ck_budgets_warn_ratio" CHECK ("flows"."budgets"."warn_ratio" > 0 and "flows"."budgets"."warn_ratio" < 1)
);
--> statement-breakpoint
ALTER TABLE "flows"."budgets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "ix_workflows_workspace_created" ON "flows"."workflows" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_workflows_workspace_stage" ON "flows"."workflows" USING btree ("workspace_id","stage","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_workflows_meeting" ON "flows"."workflows" USING btree ("workspace_id","meeting_id") WHERE "flows"."workflows"."meeting_id" is not null;--> statement-breakpoint
CREATE INDEX "ix_workflow_states_workspace" ON "flows"."workflow_states" USING btree ("workspace_id","workflow_id","version" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_workflow_nodes_workspace" ON "flows"."workflow_nodes" USING btree ("workspace_id","workflow_id","status");--> statement-breakpoint
CREATE INDEX "ix_token_usage_workspace_created" ON "flows"."token_usage" USING btree ("workspace_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ix_token_usage_workflow" ON "flows"."token_usage" USING btree ("workspace_id","workflow_id","created_at" DESC NULLS LAST) WHERE "flows"."token_usage"."workflow_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_budgets_workspace" ON "flows"."budgets" USING btree ("workspace_id") WHERE "flows"."budgets"."workflow_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "uq_budgets_workflow" ON "flows"."budgets" USING btree ("workflow_id") WHERE "flows"."budgets"."workflow_id" is not null;--> statement-breakpoint
CREATE POLICY "workflows_select" ON "flows"."workflows" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("flows"."workflows"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "workflows_insert" ON "flows"."workflows" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("flows"."workflows"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "flows"."workflows"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "workflows_update" ON "flows"."workflows" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("flows"."workflows"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflows"."created_by" = (select auth.member_id()) or "flows"."workflows"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("flows"."workflows"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflows"."created_by" = (select auth.member_id()) or "flows"."workflows"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflows_delete" ON "flows"."workflows" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("flows"."workflows"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflows"."created_by" = (select auth.member_id()) or "flows"."workflows"."founder_id" in (select auth.caller_founder_ids()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflows_service" ON "flows"."workflows" AS PERMISSIVE FOR ALL TO "chief_service" USING ("flows"."workflows"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("flows"."workflows"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "workflow_states_select" ON "flows"."workflow_states" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "workflow_states_insert" ON "flows"."workflow_states" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_states"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))) and "flows"."workflow_states"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "workflow_states_update" ON "flows"."workflow_states" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_states"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null)))) WITH CHECK ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_states"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflow_states_delete" ON "flows"."workflow_states" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_states"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflow_states_service" ON "flows"."workflow_states" AS PERMISSIVE FOR ALL TO "chief_service" USING ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("flows"."workflow_states"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "workflow_nodes_select" ON "flows"."workflow_nodes" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "workflow_nodes_insert" ON "flows"."workflow_nodes" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_nodes"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))) and "flows"."workflow_nodes"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "workflow_nodes_update" ON "flows"."workflow_nodes" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_nodes"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null)))) WITH CHECK ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_nodes"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflow_nodes_delete" ON "flows"."workflow_nodes" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."workflow_nodes"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "workflow_nodes_service" ON "flows"."workflow_nodes" AS PERMISSIVE FOR ALL TO "chief_service" USING ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("flows"."workflow_nodes"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "token_usage_select" ON "flows"."token_usage" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "token_usage_insert" ON "flows"."token_usage" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) in ('owner', 'admin', 'member') and "flows"."token_usage"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "token_usage_update" ON "flows"."token_usage" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."token_usage"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null)))) WITH CHECK ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."token_usage"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "token_usage_delete" ON "flows"."token_usage" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."token_usage"."created_by" = (select auth.member_id()) or (select auth.api_key_id()) is not null))));--> statement-breakpoint
CREATE POLICY "token_usage_service" ON "flows"."token_usage" AS PERMISSIVE FOR ALL TO "chief_service" USING ("flows"."token_usage"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("flows"."token_usage"."workspace_id" = (select auth.workspace_id()));--> statement-breakpoint
CREATE POLICY "budgets_select" ON "flows"."budgets" AS PERMISSIVE FOR SELECT TO "chief_app" USING ("flows"."budgets"."workspace_id" = (select auth.workspace_id()) and (select auth.caller_role()) is not null);--> statement-breakpoint
CREATE POLICY "budgets_insert" ON "flows"."budgets" AS PERMISSIVE FOR INSERT TO "chief_app" WITH CHECK ("flows"."budgets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin', 'member') and not ((select auth.api_key_id()) is not null)) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."budgets"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))))) and "flows"."budgets"."created_by" is not distinct from (select auth.member_id()));--> statement-breakpoint
CREATE POLICY "budgets_update" ON "flows"."budgets" AS PERMISSIVE FOR UPDATE TO "chief_app" USING ("flows"."budgets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."budgets"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids())))))) WITH CHECK ("flows"."budgets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."budgets"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))))));--> statement-breakpoint
CREATE POLICY "budgets_delete" ON "flows"."budgets" AS PERMISSIVE FOR DELETE TO "chief_app" USING ("flows"."budgets"."workspace_id" = (select auth.workspace_id()) and ((select auth.caller_role()) in ('owner', 'admin') or ((select auth.caller_role()) in ('owner', 'admin', 'member') and ("flows"."budgets"."workflow_id" in (select p.id from flows.workflows p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))))));--> statement-breakpoint
CREATE POLICY "budgets_service" ON "flows"."budgets" AS PERMISSIVE FOR ALL TO "chief_service" USING ("flows"."budgets"."workspace_id" = (select auth.workspace_id())) WITH CHECK ("flows"."budgets"."workspace_id" = (select auth.workspace_id()));