/**
 * Text from users and their files shown so that it cannot pass for other text: control
 * characters, bidirectional embeddings/overrides/isolates and the other invisible format
 * characters (Unicode categories Cc, Cf, Zl, Zp, and lone surrogates) become a visible
 * ⟨U+XXXX⟩ marker. "invoice" + U+202E + "fdp.exe" would otherwise read as "invoiceexe.pdf"
 * ("Trojan Source", CVE-2021-42574). Emoji sequences keep their joiners and tags, which only glue
 * pictographs together.
 */

export type TextPart = { kind: 'text'; text: string } | { kind: 'hidden'; codePoint: number };

const HIDDEN = /^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const ZERO_WIDTH_JOINER = 0x200d;
const BLACK_FLAG = 0x1f3f4;
const isTag = (c: number) => c >= 0xe0020 && c <= 0xe007f;
// Emoji presentation selector and skin tones may sit between a pictograph and its joiner.
const isEmojiModifier = (c: number) => c === 0xfe0f || (c >= 0x1f3fb && c <= 0x1f3ff);

/** Whether the hidden character at `i` of `chars` only joins an emoji sequence. */
function joinsEmoji(chars: string[], i: number): boolean {
  const code = chars[i].codePointAt(0) as number;
  let before = i - 1;
  while (before >= 0 && isEmojiModifier(chars[before].codePointAt(0) as number)) before--;
  if (code === ZERO_WIDTH_JOINER) {
    return before >= 0 && PICTOGRAPH.test(chars[before]) && i + 1 < chars.length && PICTOGRAPH.test(chars[i + 1]);
  }
  if (isTag(code)) {
    // A subdivision flag: 🏴 followed by tag letters (and the cancel tag).
    let start = i - 1;
    while (start >= 0 && isTag(chars[start].codePointAt(0) as number)) start--;
    return start >= 0 && chars[start].codePointAt(0) === BLACK_FLAG;
  }
  return false;
}

/** `text` cut into plain runs and the invisible characters between them. */
export function splitVisible(text: string): TextPart[] {
  const parts: TextPart[] = [];
  // Array.from walks code points; a lone surrogate stays a one-unit string and counts as hidden.
  const chars = Array.from(text);
  let run = '';
  chars.forEach((char, i) => {
    if (!HIDDEN.test(char) || joinsEmoji(chars, i)) {
      run += char;
      return;
    }
    if (run) parts.push({ kind: 'text', text: run });
    run = '';
    parts.push({ kind: 'hidden', codePoint: char.codePointAt(0) as number });
  });
  if (run) parts.push({ kind: 'text', text: run });
  return parts;
}

/** The marker shown for an invisible character: ⟨U+202E⟩. */
export function hiddenMarker(codePoint: number): string {
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** `text` with every invisible character replaced by its marker (for attributes, options and titles). */
export function visibleText(text: string): string {
  return splitVisible(text).map((p) => (p.kind === 'text' ? p.text : hiddenMarker(p.codePoint))).join('');
}

export const HIDDEN_MARKER_TITLE = 'An invisible control or formatting character in the text, shown by its code';
