export * from './schema.ts';
export { meetings } from './meetings.ts';
export { participants } from './participants.ts';
export { transcripts, type ActionItem, type SopStep } from './transcripts.ts';
export { transcriptChunks } from './transcriptChunks.ts';
