import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, EMBEDDING_DIMENSIONS, EmbedderError, chunkText, createOpenAiEmbedder, createRateLimiter, lexicalVector, localEmbedder, verifyEmbedder,
  type EmbeddingsConfig,
} from '@chief/runtime';
import { startTestChief } from './support/startTestChief.ts';
import { fakeOpenAi } from './support/fakeOpenAi.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('embeddings', () => {
  const server = fakeOpenAi();
  let config: EmbeddingsConfig;
  beforeAll(async () => {
    config = { provider: 'openai', apiKey: 'sk-test', baseUrl: await server.start(), model: 'text-embedding-3-small', requestsPerMinute: 6000 };
  });
  afterAll(() => server.stop());

  it('retries a 429 after its Retry-After and a 500 with backoff, losing nothing and keeping the order', async () => {
    server.requests.length = 0;
    server.script.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 500 });
    const texts = ['Ada asked about our burn rate', '', 'Grace sent the term sheet', 'Linus is going cold'];
    const started = Date.now();
    const { vectors, tokens } = await createOpenAiEmbedder(config).embed(texts);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // The empty text is not sent and has no vector; every other one is its own, in order.
    expect(server.requests[2]!.inputs).toEqual([texts[0], texts[2], texts[3]]);
    expect(vectors.map((v) => v && cosine(v, lexicalVector(texts[vectors.indexOf(v)]!)!))).toEqual([expect.closeTo(1, 9), null, expect.closeTo(1, 9), expect.closeTo(1, 9)]);
    expect(tokens).toBe(9);
    expect(server.requests[0]!.authorization).toBe('Bearer sk-test');
  });

  it('sends texts in batches, spaced to the rate limit', async () => {
    server.requests.length = 0;
    const texts = Array.from({ length: 200 }, (_, i) => `note ${i} about the seed round`);
    const started = Date.now();
    const { vectors } = await createOpenAiEmbedder({ ...config, requestsPerMinute: 120 }).embed(texts);
    expect(server.requests.map((r) => r.inputs.length)).toEqual([96, 96, 8]);
    expect(vectors.every((v) => v?.length === EMBEDDING_DIMENSIONS)).toBe(true);
    // 120 a minute: one every 500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const limited = createRateLimiter(600);
    const at: number[] = [];
    await Promise.all([1, 2, 3].map(async () => (await limited(), at.push(Date.now()))));
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(190);
  });

  it('refuses a server whose vectors are not 1536-dimensional, and Chief does not start with it', async () => {
    server.answerDimensions(768);
    try {
      await expect(createOpenAiEmbedder(config).embed(['hello'])).rejects.toThrow(EmbedderError);
      await expect(verifyEmbedder(createOpenAiEmbedder(config))).rejects.toThrow(/768-dimensional vectors for text-embedding-3-small; Chief stores 1536/);
      const started = startTestChief({ OPENAI_BASE_URL: config.baseUrl! });
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(/OPENAI_EMBEDDING_MODEL: the server at OPENAI_BASE_URL cannot be used for text-embedding-3-small: .*768/);
    } finally {
      server.answerDimensions(EMBEDDING_DIMENSIONS);
    }
    await expect(createOpenAiEmbedder(config).embed(['x'.repeat(30_000)])).rejects.toThrow(/chunk texts/);
  });

  it('embeds locally without a key: deterministic, lexical, normalised', async () => {
    expect(localEmbedder).toMatchObject({ id: 'local:lexical-v1', kind: 'lexical' });
    const [burn, burnAgain, runway, cat, empty] = (await localEmbedder.embed([
      'What did investors say about our burn?', 'Investors asked about the burn', 'runway and hiring plan', 'the cat sat on the mat', ' … ',
    ])).vectors;
    expect(burn).toEqual(lexicalVector('What did investors say about our burn?'));
    expect(Math.hypot(...burn!)).toBeCloseTo(1, 9);
    expect(cosine(burn!, burnAgain!)).toBeGreaterThan(cosine(burn!, runway!));
    expect(cosine(burn!, burnAgain!)).toBeGreaterThan(0.4);
    expect(Math.abs(cosine(burn!, cat!))).toBeLessThan(0.2);
    // Accents and case do not matter; meaning does not register (it is not a model).
    expect(cosine(lexicalVector('Café Résumé')!, lexicalVector('cafe resume')!)).toBeCloseTo(1, 9);
    expect(empty).toBeNull();
  });
});

describe('chunking long texts', () => {
  const sentence = (i: number) => `Sentence number ${i} talks about the seed round and the hiring plan.`;
  const text = Array.from({ length: 120 }, (_, i) => sentence(i)).join(' ');

  it('cuts after sentences into passages of at most the size, overlapping, covering the whole text', () => {
    const passages = chunkText(text, { maxChars: 1000, overlapChars: 150 });
    expect(passages.length).toBeGreaterThan(8);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(1000);
      expect(text.slice(p.start, p.end).trim()).toBe(p.text);
    }
    expect(passages[0]!.start).toBe(0);
    expect(passages.at(-1)!.end).toBe(text.length);
    passages.slice(1).forEach((p, i) => {
      const previous = passages[i]!;
      // Each starts before the previous one ended (the overlap), at a word.
      expect(p.start).toBeLessThan(previous.end);
      expect(previous.end - p.start).toBeLessThanOrEqual(150 + 20);
      expect(text[p.start - 1]).toBe(' ');
      // Every cut but the last is after a sentence.
      expect(text.slice(0, previous.end).trimEnd().endsWith('.')).toBe(true);
    });
    // Every sentence is whole in some passage.
    for (let i = 0; i < 120; i++) expect(passages.some((p) => p.text.includes(sentence(i)))).toBe(true);
  });

  it('keeps a short text whole and cuts a text without spaces at the size', () => {
    expect(chunkText('A short note.')).toEqual([{ text: 'A short note.', start: 0, end: 13 }]);
    expect(chunkText('   ')).toEqual([]);
    const passages = chunkText('x'.repeat(2500), { maxChars: 1000, overlapChars: 100 });
    expect(passages.map((p) => p.text.length)).toEqual([1000, 1000, 700]);
  });
});
