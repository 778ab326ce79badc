import { structuredPatch } from 'diff';

/** What a reviewer compares: the content of one version, as the version history holds it. */
export interface VersionContent {
  readonly version: number;
  readonly title: string;
  readonly body: string;
  readonly tags: readonly string[];
  readonly categoryId: string | null;
  readonly audience: string;
}

export interface FieldChange<T> {
  readonly from: T;
  readonly to: T;
}

/** One run of changed body lines with its context, in the shape of a unified diff's hunk. */
export interface BodyHunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** Each line prefixed `' '` (context), `'-'` (only in the older) or `'+'` (only in the newer). */
  readonly lines: readonly string[];
}

export interface VersionDiff {
  readonly from: number;
  readonly to: number;
  /** Only the fields that differ; a reviewer reads what moved, not what stayed. */
  readonly changes: {
    readonly title?: FieldChange<string>;
    readonly audience?: FieldChange<string>;
    readonly categoryId?: FieldChange<string | null>;
    readonly tags?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  };
  readonly body: {
    readonly changed: boolean;
    readonly linesAdded: number;
    readonly linesRemoved: number;
    readonly hunks: readonly BodyHunk[];
    /** True when the bodies were too different to diff line by line in bounded time: one hunk replaces all. */
    readonly replacedWhole: boolean;
  };
}

const CONTEXT_LINES = 3;
// Myers' diff is O(N·D); past this many edits a reviewer gains nothing from the detail and the
// server would spend unbounded time, so the body is shown as replaced.
const MAX_EDIT_LENGTH = 5_000;

/** Compares two versions of an article: field changes and a line diff of the Markdown body. */
export function diffVersions(older: VersionContent, newer: VersionContent): VersionDiff {
  const changes: { -readonly [K in keyof VersionDiff['changes']]: VersionDiff['changes'][K] } = {};
  if (older.title !== newer.title) changes.title = { from: older.title, to: newer.title };
  if (older.audience !== newer.audience) changes.audience = { from: older.audience, to: newer.audience };
  if (older.categoryId !== newer.categoryId) changes.categoryId = { from: older.categoryId, to: newer.categoryId };
  const added = newer.tags.filter((tag) => !older.tags.includes(tag));
  const removed = older.tags.filter((tag) => !newer.tags.includes(tag));
  if (added.length > 0 || removed.length > 0) changes.tags = { added, removed };
  return { from: older.version, to: newer.version, changes, body: diffBodies(older.body, newer.body) };
}

function diffBodies(older: string, newer: string): VersionDiff['body'] {
  if (older === newer) return { changed: false, linesAdded: 0, linesRemoved: 0, hunks: [], replacedWhole: false };
  const patch = structuredPatch('', '', withFinalNewline(older), withFinalNewline(newer), undefined, undefined, { context: CONTEXT_LINES, maxEditLength: MAX_EDIT_LENGTH });
  const hunks: BodyHunk[] = patch ? patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({ oldStart, oldLines, newStart, newLines, lines })) : [wholeReplacement(older, newer)];
  const count = (sign: string) => hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.startsWith(sign)).length, 0);
  return { changed: true, linesAdded: count('+'), linesRemoved: count('-'), hunks, replacedWhole: patch === undefined };
}

// A body without a final newline would otherwise show its last line as changed when one is added.
function withFinalNewline(text: string): string {
  return text.length === 0 || text.endsWith('\n') ? text : `${text}\n`;
}

function wholeReplacement(older: string, newer: string): BodyHunk {
  const oldLines = linesOf(older);
  const newLines = linesOf(newer);
  return { oldStart: 1, oldLines: oldLines.length, newStart: 1, newLines: newLines.length, lines: [...oldLines.map((line) => `-${line}`), ...newLines.map((line) => `+${line}`)] };
}

function linesOf(text: string): string[] {
  return text.length === 0 ? [] : withFinalNewline(text).slice(0, -1).split('\n');
}
