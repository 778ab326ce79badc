/**
 * What a person types into the search box, read the way web search engines read it: words must
 * all match, "quoted words" match as a phrase, -word excludes, `or` separates alternatives, and the
 * last word also matches as a prefix (the box searches as you type).
 */
export type Clause =
  | { readonly kind: 'word'; readonly text: string; readonly negated: boolean; readonly prefix: boolean }
  | { readonly kind: 'phrase'; readonly text: string; readonly negated: boolean };

/** Alternatives (OR) of clause lists (AND). */
export type ParsedQuery = readonly (readonly Clause[])[];

/** Bounds the work one query can ask of the index. */
export const MAX_CLAUSES = 16;

const TOKEN = /(-?)"([^"]*)"?|(\S+)/gu;
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

export function parseQueryText(text: string): ParsedQuery {
  const groups: Clause[][] = [[]];
  let count = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (count >= MAX_CLAUSES) break;
    const current = groups.at(-1)!;
    if (match[2] !== undefined) {
      const phrase = match[2].trim();
      if (phrase) {
        current.push({ kind: 'phrase', text: phrase, negated: match[1] === '-' });
        count += 1;
      }
      continue;
    }
    const raw = match[3]!;
    if (raw.toLowerCase() === 'or') {
      if (current.length > 0) groups.push([]);
      continue;
    }
    const negated = raw.startsWith('-') && raw.length > 1;
    const word = negated ? raw.slice(1) : raw;
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    current.push({ kind: 'word', text: word, negated, prefix: false });
    count += 1;
  }
  const kept = groups.filter((group) => group.length > 0);
  const lastGroup = kept.at(-1);
  const last = lastGroup?.at(-1);
  if (lastGroup && last?.kind === 'word' && !last.negated && PLAIN_WORD.test(last.text) && last.text.length >= 2) {
    lastGroup[lastGroup.length - 1] = { ...last, prefix: true };
  }
  return kept;
}

/** Words worth a spelling correction: plain, long enough that one typo leaves them recognisable. */
export function correctableWords(query: ParsedQuery): string[] {
  const words = new Set<string>();
  for (const group of query) {
    for (const clause of group) {
      if (clause.kind === 'word' && !clause.negated && PLAIN_WORD.test(clause.text) && clause.text.length >= 4) words.add(clause.text.toLowerCase());
    }
  }
  return [...words];
}

/** The vocabulary a document contributes to spelling correction. */
export function vocabularyOf(texts: readonly string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
      if (word.length >= 4 && word.length <= 40 && !/^\d+$/.test(word)) words.add(word);
    }
  }
  return [...words];
}
