import OpenAI from 'openai';
import { EMBEDDING_DIMENSIONS, lexicalVector } from './lexicalEmbedder.ts';

/** Makes the vectors of Chief's search: the text-embedding model when one is configured, else the local lexical one. */
export interface Embedder {
  /** What made a vector, stored beside it and shown by the API: `openai:text-embedding-3-small`, `local:lexical-v1`. */
  readonly id: string;
  /** Whether its vectors carry meaning (a model) or only words and spellings (the local embedder). */
  readonly kind: 'semantic' | 'lexical';
  /**
   * The cosine similarity below which a query's nearest vector is noise, not a match: search
   * leaves such neighbours out (an unrelated text is always somebody's nearest neighbour).
   */
  readonly minSimilarity: number;
  /** One vector per text, in order; null for a text with nothing to embed (no words). */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<{ vectors: (number[] | null)[]; tokens: number }>;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * A search query, which someone waits for: one retry and a short timeout, so a struggling server
   * costs a request seconds, not the minutes background work may wait (see INTERACTIVE).
   */
  interactive?: boolean;
}

export interface EmbeddingsConfig {
  provider: 'openai' | 'local';
  apiKey: string | undefined;
  /** An OpenAI-compatible server (e.g. a local one); OpenAI's own unless given. */
  baseUrl: string | undefined;
  model: string;
  requestsPerMinute: number;
}

/** The deterministic local embedder: feature hashing of words and spellings (lexicalVector), no network. */
export const localEmbedder: Embedder = {
  id: 'local:lexical-v1',
  kind: 'lexical',
  // Signed feature hashing puts unrelated texts near 0; one shared content word and its spellings reach about 0.15.
  minSimilarity: 0.1,
  async embed(texts) {
    return { vectors: texts.map(lexicalVector), tokens: 0 };
  },
};

/** Spaces requests out to at most `perMinute`, in the order they asked. */
export function createRateLimiter(perMinute: number) {
  const interval = 60_000 / perMinute;
  let next = 0;
  return async (signal?: AbortSignal) => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + interval;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    signal?.throwIfAborted();
  };
}

/** The embeddings server answered something Chief cannot store. */
export class EmbedderError extends Error {
  override name = 'EmbedderError';
}

/**
 * The embeddings server refused the texts themselves (400, 413, 422): sending them again fails
 * again, where a 401, 429 or 5xx is about the server or the key and passes. The worker then looks
 * for the text at fault rather than retrying the batch.
 */
export const isRefusedText = (error: unknown): boolean =>
  error instanceof OpenAI.APIError && (error.status === 400 || error.status === 413 || error.status === 422);

// OpenAI takes up to 2048 inputs and 300,000 tokens a request; smaller batches retry cheaper.
const BATCH_INPUTS = 96;
const BATCH_CHARS = 200_000;
// About 8,000 tokens, the model's input limit: longer texts are chunked before they get here.
export const MAX_EMBED_CHARS = 24_000;

function batchesOf(texts: readonly { text: string; index: number }[]) {
  const batches: { text: string; index: number }[][] = [];
  let batch: { text: string; index: number }[] = [];
  let chars = 0;
  for (const item of texts) {
    if (batch.length && (batch.length === BATCH_INPUTS || chars + item.text.length > BATCH_CHARS)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    batch.push(item);
    chars += item.text.length;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/** A search query's budget: one retry, three seconds an attempt. */
const INTERACTIVE = { maxRetries: 1, timeout: 3_000 };

/**
 * text-embedding-3-small (or the configured model) through the `openai` package, at OpenAI or
 * any OpenAI-compatible server: texts in batches, requests spaced to the configured rate, and
 * 408/409/429/5xx answers retried by the client with exponential backoff, waiting what
 * Retry-After (or retry-after-ms) asks. Vectors of any other size than Chief's columns are
 * refused (EmbedderError).
 */
export function createOpenAiEmbedder(config: EmbeddingsConfig): Embedder {
  const client = new OpenAI({
    // A local OpenAI-compatible server may need no key; the client insists on one.
    apiKey: config.apiKey ?? 'none',
    baseURL: config.baseUrl,
    maxRetries: 6,
    timeout: 60_000,
  });
  const wait = createRateLimiter(config.requestsPerMinute);
  return {
    id: `openai:${config.model}`,
    kind: 'semantic',
    // text-embedding-3-small puts unrelated English texts at about 0.0–0.15, related ones from about 0.3.
    minSimilarity: 0.2,
    async embed(texts, { signal, interactive = false } = {}) {
      const vectors: (number[] | null)[] = texts.map(() => null);
      const wanted = texts.map((text, index) => ({ text, index })).filter(({ text }) => /[\p{L}\p{N}]/u.test(text));
      const long = wanted.find(({ text }) => text.length > MAX_EMBED_CHARS);
      if (long) throw new EmbedderError(`text ${long.index} has ${long.text.length} characters; chunk texts to at most ${MAX_EMBED_CHARS} first`);
      let tokens = 0;
      for (const batch of batchesOf(wanted)) {
        await wait(signal);
        // A signal of its own per request: the client's fetch leaves a listener on the signal it is given, and a job's signal sees many requests.
        const answer = await client.embeddings.create({ model: config.model, input: batch.map((b) => b.text), encoding_format: 'float' }, { signal: signal && AbortSignal.any([signal]), ...(interactive ? INTERACTIVE : {}) });
        if (answer.data.length !== batch.length) throw new EmbedderError(`the embeddings server answered ${answer.data.length} vectors for ${batch.length} texts`);
        for (const item of answer.data) {
          if (item.embedding.length !== EMBEDDING_DIMENSIONS) {
            throw new EmbedderError(`the embeddings server answered ${item.embedding.length}-dimensional vectors for ${config.model}; Chief stores ${EMBEDDING_DIMENSIONS} (text-embedding-3-small's)`);
          }
          vectors[batch[item.index]!.index] = item.embedding;
        }
        tokens += answer.usage?.total_tokens ?? 0;
      }
      return { vectors, tokens };
    },
  };
}

/** The embedder the configuration asks for. */
export const createEmbedder = (config: EmbeddingsConfig): Embedder => (config.provider === 'openai' ? createOpenAiEmbedder(config) : localEmbedder);

/**
 * Asks the configured server for one vector before anything starts, so a wrong model, address,
 * key or vector size is a clear start-up error instead of a backlog of failed jobs.
 */
export async function verifyEmbedder(embedder: Embedder): Promise<void> {
  const { vectors } = await embedder.embed(['Chief checks that its embeddings server answers.']);
  if (vectors[0]?.length !== EMBEDDING_DIMENSIONS) throw new EmbedderError(`${embedder.id} answered no vector`);
}
