/** A passage of a longer text, with where it starts and ends in it (UTF-16 offsets). */
export interface Passage {
  text: string;
  start: number;
  end: number;
}

const SENTENCE_END = /[.!?…](["')\]]*)\s+/g;

/** Where to cut in text[from, to): after the last sentence in its second half, else the last space, else at `to`. */
function cutPoint(text: string, from: number, to: number): number {
  const window = text.slice(from, to);
  let cut = -1;
  for (const match of window.matchAll(SENTENCE_END)) if (match.index! + match[0].length >= window.length / 2) cut = match.index! + match[0].length;
  if (cut <= 0) cut = window.lastIndexOf(' ') + 1;
  return cut > 0 ? from + cut : to;
}

/**
 * Splits a long text into passages of at most `maxChars` characters for embedding: cut after a
 * sentence where one ends in the second half of the window, else at a space, and each passage
 * begins `overlapChars` before the previous one ended (at a word's start), so a sentence cut in
 * two is still whole in one of them. A short text is one passage.
 */
export function chunkText(text: string, { maxChars = 2000, overlapChars = 200 } = {}): Passage[] {
  if (overlapChars >= maxChars / 2) throw new Error('overlapChars must be less than half of maxChars');
  if (text.length <= maxChars) return text.trim() ? [{ text, start: 0, end: text.length }] : [];
  const passages: Passage[] = [];
  let start = 0;
  while (start < text.length) {
    const end = start + maxChars >= text.length ? text.length : cutPoint(text, start, start + maxChars);
    passages.push({ text: text.slice(start, end).trim(), start, end });
    if (end === text.length) break;
    // Back by the overlap, then forward to the start of a word if one begins before the cut.
    const back = Math.max(end - overlapChars, start + 1);
    let next = back;
    while (next < end && !/\s/.test(text[next - 1]!)) next++;
    start = next < end ? next : back;
  }
  return passages.filter((p) => p.text);
}
