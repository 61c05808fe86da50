export * from './schema.ts';
export { tasks } from './tasks.ts';
export { taskLinks } from './taskLinks.ts';
