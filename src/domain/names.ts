import { BadRequestError } from './errors.js';

/**
 * The one rule for text a person gives as a name (collection name and description, the
 * id_column, an API token's label): any script, but no control character (U+0000–001F,
 * U+007F–009F; a description may hold tabs and line breaks), no bidirectional embedding,
 * override or isolate (U+202A–202E, U+2066–2069), which make text show in another order than
 * it is stored ("Trojan Source", CVE-2021-42574), and no lone UTF-16 surrogate, which UTF-8
 * cannot store unchanged. Nothing is removed or replaced: the name is refused, saying which
 * character is where.
 */
export interface NameOptions {
  /** Most characters (code points) the name may have. */
  maxChars?: number;
  /** Allows tab, line feed and carriage return (free text such as a description). */
  multiline?: boolean;
}

const BIDI_NAMES: Record<number, string> = {
  0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
};

const TAB = 0x09, LF = 0x0a, CR = 0x0d;

/** What kind of forbidden character a code point is, or null when it is allowed. */
function forbiddenKind(code: number, multiline: boolean): string | null {
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) {
    if (multiline && (code === TAB || code === LF || code === CR)) return null;
    return code === 0 ? 'the NUL character' : 'a control character';
  }
  if (BIDI_NAMES[code] !== undefined) return `the bidirectional formatting character ${BIDI_NAMES[code]}`;
  if (code >= 0xd800 && code <= 0xdfff) return 'a lone UTF-16 surrogate';
  return null;
}

/** The first forbidden character of `text`: its code point, what it is, and its 1-based position in characters. */
export function forbiddenCharacter(text: string, multiline = false): { codePoint: number; kind: string; position: number } | null {
  let position = 0;
  // for…of walks code points: a valid surrogate pair is one character, a lone half is one too.
  for (const char of text) {
    position++;
    const codePoint = char.codePointAt(0) as number;
    const kind = forbiddenKind(codePoint, multiline);
    if (kind !== null) return { codePoint, kind, position };
  }
  return null;
}

/** Characters (code points) in `text`. */
function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** True when `text` is an acceptable name under the rule above. */
export function isSafeName(text: string, options: NameOptions = {}): boolean {
  return forbiddenCharacter(text, options.multiline) === null && (options.maxChars === undefined || charCount(text) <= options.maxChars);
}

/** Throws a 400 naming the field, the character and its position (or the length limit) unless `text` is an acceptable name. */
export function assertSafeName(field: string, text: string, options: NameOptions = {}): void {
  if (options.maxChars !== undefined) {
    const chars = charCount(text);
    if (chars > options.maxChars) {
      throw new BadRequestError(`${field} has ${chars} characters; it may have at most ${options.maxChars}.`, 'NAME_TOO_LONG',
        { field, max_chars: options.maxChars });
    }
  }
  const found = forbiddenCharacter(text, options.multiline);
  if (found === null) return;
  const hex = `U+${found.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new BadRequestError(
    `${field} holds ${found.kind} (${hex}) at character ${found.position}; names may not hold control characters, ` +
    'bidirectional overrides or lone surrogates. Remove it and send again.',
    'NAME_CHARACTER_NOT_ALLOWED', { field, character: hex, position: found.position },
  );
}
