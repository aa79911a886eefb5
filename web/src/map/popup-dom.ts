/** DOM builders for the map's popups: text always through textContent, never parsed as markup. */
import { hiddenMarker, HIDDEN_MARKER_TITLE, splitVisible } from '../text/visible-text';

/** An element of our own text (labels, figures). */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string | null, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** An element holding text from a file: its own text nodes, a marker span per invisible character, isolated in a <bdi>. */
export function userText<K extends keyof HTMLElementTagNameMap>(tag: K, className: string | null, prefix: string, text: string): HTMLElementTagNameMap[K] {
  const el = element(tag, className, prefix);
  const isolate = element('bdi', 'user-text');
  for (const part of splitVisible(text)) {
    if (part.kind === 'text') {
      isolate.append(document.createTextNode(part.text));
    } else {
      const marker = element('span', 'hidden-char', hiddenMarker(part.codePoint));
      marker.title = HIDDEN_MARKER_TITLE;
      isolate.append(marker);
    }
  }
  el.append(isolate);
  return el;
}
