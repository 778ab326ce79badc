export const MAX_FILENAME_LENGTH = 255;
/** Enough for any real case; it keeps one ticket's stream and detail view from growing without end. */
export const MAX_ATTACHMENTS = 100;
/** What a file is called when nothing usable is left of the name the client sent. */
export const FALLBACK_FILENAME = 'attachment';

/**
 * Controls (C0, DEL, C1), lone surrogates, and the invisible bidi and zero-width characters that
 * make `invoice<U+202E>fdp.exe` display as `invoiceexe.pdf`.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it removes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/gu;
/** A long extension is more likely junk than a type, and not worth keeping over the name. */
const MAX_KEPT_EXTENSION = 16;

/**
 * The name the uploader gave, made safe to store and to put in a Content-Disposition header: no
 * path (some clients send `C:\fakepath\x.png`), no control or direction-changing characters, at
 * most 255 characters with the extension kept when it has to be shortened.
 */
export function sanitiseFilename(raw: string): string {
  const base = raw.split(/[/\\]/).at(-1) ?? '';
  const cleaned = base.normalize('NFC').replace(UNSAFE, '').trim();
  if (cleaned === '' || /^\.+$/.test(cleaned)) return FALLBACK_FILENAME;
  return shorten(cleaned, MAX_FILENAME_LENGTH);
}

/** Counts code points, not UTF-16 units, so an emoji is never cut in half. */
function shorten(name: string, max: number): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  const kept = extension.length > 0 && extension.length <= MAX_KEPT_EXTENSION ? extension : [];
  return `${chars.slice(0, max - kept.length).join('').trimEnd()}${kept.join('')}`;
}
