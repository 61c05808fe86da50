export * from './schema.ts';
export { mediaAssets } from './mediaAssets.ts';
export { mediaTranscripts } from './mediaTranscripts.ts';
export { mediaChunks } from './mediaChunks.ts';
