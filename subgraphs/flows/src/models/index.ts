export * from './schema.ts';
export * from './workflows.ts';
export * from './workflowStates.ts';
export * from './workflowNodes.ts';
export * from './tokenUsage.ts';
export * from './budgets.ts';
