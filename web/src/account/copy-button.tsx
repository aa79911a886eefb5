import { useState } from 'react';

/** Copies `text` to the clipboard; falls back to selecting it in `fallbackInput` for Ctrl+C. */
export function CopyButton({ text, label, fallbackInput }: { text: string; label: string; fallbackInput?: () => HTMLInputElement | null }) {
  const [said, setSaid] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied to the clipboard.');
    } catch {
      const input = fallbackInput?.();
      input?.focus();
      input?.select();
      setSaid('The browser refused the clipboard: the token is selected, press Ctrl+C to copy it.');
    }
  }
  return (
    <>
      <button type="button" onClick={copy}>{label}</button>
      <span className="muted small" role="status">{said}</span>
    </>
  );
}
