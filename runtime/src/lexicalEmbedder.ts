import { createHash } from 'node:crypto';

/** Every vector column of Chief is this wide: text-embedding-3-small's size. */
export const EMBEDDING_DIMENSIONS = 1536;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercased words without accents: "Café résumé" and "cafe resume" share their features. */
export const wordsOf = (text: string) =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? [];

// A feature's slot and sign from 8 bytes of its MD5: stable across processes, versions and
// machines (a vector stored today must match one computed next year), and signed so that
// collisions cancel out on average instead of adding up.
function slotOf(feature: string): [number, number] {
  const digest = createHash('md5').update(feature).digest();
  return [digest.readUInt32LE(0) % EMBEDDING_DIMENSIONS, digest[4]! & 1 ? 1 : -1];
}

/**
 * The local embedder's vector for one text: feature hashing of its words (weight 1), word pairs
 * (0.5) and each word's character trigrams with its boundaries (0.25 each, so a word's trigrams
 * weigh about what it does), with sublinear term frequency, normalised to length 1. Texts that
 * share words and spellings are near; it knows nothing of meaning ("car" and "automobile" are
 * unrelated). An empty text has no vector (null).
 */
export function lexicalVector(text: string): number[] | null {
  const words = wordsOf(text);
  if (!words.length) return null;
  const features = new Map<string, { count: number; weight: number }>();
  const add = (feature: string, weight: number) => {
    const seen = features.get(feature);
    if (seen) seen.count += 1;
    else features.set(feature, { count: 1, weight });
  };
  words.forEach((word, i) => {
    add(`w:${word}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.5);
    const padded = `^${word}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
  });
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [feature, { count, weight }] of features) {
    const [slot, sign] = slotOf(feature);
    vector[slot]! += sign * weight * (1 + Math.log(count));
  }
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  return norm === 0 ? null : vector.map((v) => v / norm);
}
