export { connectPostgres, createSqlClient, type SqlClient, type SqlClientOptions } from './createSqlClient.ts';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './startEmbeddedPostgres.ts';
export { runMigrations, migrationsFolder } from './runMigrations.ts';
export { id, workspaceId, timestamps, searchIndexColumns, searchIndexRules, searchTerms, weightedWords } from './columns.ts';
export { appRole, serviceRole, tenantPolicies, servicePolicy, policyPredicates, type TenantPolicyOptions } from './policies.ts';
export { ownedThrough } from './ownedThrough.ts';
