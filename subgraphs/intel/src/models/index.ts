export * from './schema.ts';
export { briefings, type BriefingSection } from './briefings.ts';
export { insights, type InsightContent } from './insights.ts';
export { decisions, type DecisionOption } from './decisions.ts';
export { notifications } from './notifications.ts';
export { agentSettings, type ModelTask } from './agentSettings.ts';
export type { SourceRef } from './sourceRefs.ts';
