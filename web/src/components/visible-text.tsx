import { hiddenMarker, HIDDEN_MARKER_TITLE, splitVisible } from '../text/visible-text';

/**
 * Text a user or a file gave (a collection name, a plot ID, a property), shown as text with
 * its invisible characters as visible markers, isolated (<bdi>) so right-to-left text in it
 * cannot reorder the sentence around it, and free to wrap anywhere (a 200-character name
 * without spaces must not widen the page).
 */
export function VisibleText({ text }: { text: string | null | undefined }) {
  return (
    <bdi className="user-text">
      {splitVisible(text ?? '').map((part, i) => (part.kind === 'text'
        ? part.text
        : <span key={i} className="hidden-char" title={HIDDEN_MARKER_TITLE}>{hiddenMarker(part.codePoint)}</span>))}
    </bdi>
  );
}
