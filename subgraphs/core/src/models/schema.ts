import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the core domain: tenants, people, deals, integrations, API keys. */
export const core = pgSchema('core');

export const roleType = core.enum('role_type', ['owner', 'admin', 'member', 'viewer', 'service']);
export const dealStage = core.enum('deal_stage', ['lead', 'qualified', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
export const integrationStatus = core.enum('integration_status', ['pending', 'connected', 'error', 'revoked']);
export const integrationPlatform = core.enum('integration_platform', [
  'gmail', 'google_calendar', 'outlook', 'slack', 'discord', 'whatsapp', 'zoom', 'google_meet',
  'fireflies', 'loom', 'monday', 'linear', 'asana', 'notion', 'hubspot', 'linkedin',
]);
export const relationshipType = core.enum('relationship_type', ['colleague', 'cofounder', 'investor', 'advisor', 'client', 'vendor', 'friend', 'family', 'introduced_by', 'other']);
export const interestSource = core.enum('interest_source', ['communication', 'meeting', 'manual']);
export const syncJobType = core.enum('sync_job_type', ['full_sync', 'incremental_sync', 'contact_enrichment']);
export const syncJobStatus = core.enum('sync_job_status', ['pending', 'running', 'completed', 'failed', 'cancelled']);
