export * from './events.ts';
export * from './idempotencyKeys.ts';
