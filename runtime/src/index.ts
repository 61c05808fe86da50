export { loadConfig, ConfigError, configVariables, type Config, type ConfigScope } from './loadConfig.ts';
export { ErrorCode, chiefError, withHttpStatus, unauthenticated, forbidden, badUserInput, notFound, conflict, createErrorFormatter } from './errors.ts';
export { translateDatabaseError } from './databaseErrors.ts';
export { createInternalTokens, bearerToken, GATEWAY_IDENTITY, UUID_PATTERN, API_KEY_ENDPOINT, type Identity, type InternalTokens } from './identity.ts';
export { RequestSession, assertOutsideTransaction, runOperation, withSession, callerSettings, type Session, type Database, type MemberRole } from './createRequestSession.ts';
export { appendEvent, latestEventOf, MAX_EVENT_PARTS, type NewEvent, type EventActor, type EventLink } from './appendEvent.ts';
export { eventCatalog, eventEntities, isEventType, readEvent, type CataloguedEvent, type EventEntity, type EventPayload, type EventType } from './eventCatalog.ts';
export { DEFAULT_PAGE_SIZE, parsePage, parseCursor, parseFirst, encodeSequenceCursor, parseSequenceCursor, isCursor, afterCursor, toConnection, type Page, type PageArgs, type Connection } from './pagination.ts';
export { LoaderRegistry, byKey, groupByKey } from './LoaderRegistry.ts';
export { DateTimeScalar, DateScalar, JSONObjectScalar } from './scalars.ts';
export { parseInput, parseId, requireChanges, refuseClearing } from './parseInput.ts';
export { createLogger, serializeError, type Logger, type LogDestination } from './createLogger.ts';
export { createMetrics, type Metrics } from './createMetrics.ts';
export { createSecretBox, type SecretBox } from './createSecretBox.ts';
export { createApiKeySigner, type ApiKeySigner } from './createApiKeySigner.ts';
export { createHttpServer, sendJson, type RunningServer, type RouteHandler, type RouteContext } from './createHttpServer.ts';
export { createSubgraphService, type SubgraphContext, type SubgraphServiceOptions } from './createSubgraphService.ts';
export { hasRole, requireRole } from './requireRole.ts';
export {
  anyUuid, rowColumns, uuidArray, textArray, containsPattern, naturalKeyIn, loadById, listPage, listPagesByParent, listPagesByArrayParent, listPagesThroughLink, listPositionPages, loadPositionPage, loadOneBy, parsePositionPage, topRowsPerParent,
  enumValues, type PositionPage,
} from './queries.ts';
export { refuseWrite } from './writeOutcome.ts';
export { subgraphTypeDefs } from './subgraphTypeDefs.ts';
export { runSubgraphProcess, searchFieldsOf, type SubgraphDeps, type SubgraphFactory } from './runSubgraphProcess.ts';
export { subgraphManifest, subgraphNames, subgraphVariables, type SubgraphEntry, type SubgraphName } from './subgraphManifest.ts';
export { onShutdown } from './onShutdown.ts';
export {
  IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_PATTERN, REQUEST_FINGERPRINT_HEADER, fingerprintOf, type IdempotentRequest,
} from './idempotencyKeys.ts';
export { encodeLogCursor, decodeLogCursor } from './logCursor.ts';
export { LogWakeups, processLogWakeups } from './logWakeups.ts';
export { followLog, type LogEvent } from './followLog.ts';
export { LogTails, processLogTails } from './logTails.ts';
export { logSubscription } from './logSubscription.ts';
export { SERVICE_RESTART, TOKEN_EXPIRED } from './serveSubscriptions.ts';
export { acceptWebSockets } from './acceptWebSockets.ts';
export { entityChanges } from './entityChanges.ts';
export { matchParticipants, recordInteractions, type ParticipantMatch } from './matchParticipants.ts';
export { MAX_CLOCK_SKEW_MS, pastInstant, languageTag, recordingSeconds, insertInSlices } from './ingestFields.ts';
export { ingestBatch, sourceHash, type IngestBatch, type IngestBatchResult, type IngestOutcome, type IngestItemResult } from './ingestBatch.ts';
export { MAX_BRIEF_ITEMS, briefInstant, briefSection, parseBriefKey, parseBriefWindow, type BriefWindow, type MorningBriefKey } from './morningBrief.ts';
export { startJobQueue, JOB_SCHEMA, type JobKind, type JobQueue, type JobRun, type JobState } from './jobQueue.ts';
export { createEmbedder, createOpenAiEmbedder, createRateLimiter, localEmbedder, verifyEmbedder, EmbedderError, MAX_EMBED_CHARS, type Embedder, type EmbeddingsConfig } from './embeddings.ts';
export { EMBEDDING_DIMENSIONS, lexicalVector, wordsOf } from './lexicalEmbedder.ts';
export type { EmbedOptions } from './embeddings.ts';
export { chunkText, type Passage } from './chunkText.ts';
export { SEARCH_TYPES, searchSources, type SearchSource, type SearchType } from './searchSources.ts';
export { hybridSearch, vectorOf, EXACT_SEARCH_MAX_ROWS, RRF_K, VECTOR_WEIGHT, TEXT_WEIGHT, type SearchHit, type SearchRequest, type SearchFilters, type SearchMatch } from './hybridSearch.ts';
export { createSearchFields, mergeResolvers, typeSearch, MAX_SEARCH_HITS, type SearchFields } from './searchFields.ts';
export { searchIndexCounts, type SearchIndexCounts } from './searchIndexStatus.ts';
export { startSearchIndexer, EMBED_BATCH_ROWS, NOTHING_TO_EMBED, type SearchIndexer, type SearchIndexerOptions } from './searchIndexer.ts';
export { runWorkerProcess, checkEmbeddings } from './runWorkerProcess.ts';
