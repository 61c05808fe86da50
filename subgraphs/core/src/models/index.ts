export * from './schema.ts';
export { workspaces } from './workspaces.ts';
export { members } from './members.ts';
export { founders } from './founders.ts';
export { contacts } from './contacts.ts';
export { deals } from './deals.ts';
export { integrations } from './integrations.ts';
export { apiKeys } from './apiKeys.ts';
