export * from './schema.ts';
export { threads } from './threads.ts';
export { communications, type Recipient, type Sentiment } from './communications.ts';
