/** How the dashboard shows text from users and files (web/src/text/visible-text.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitVisible, visibleText } from '../../web/src/text/visible-text.ts';

describe('visible text', () => {
  it('shows bidirectional controls as markers, so a name cannot pass for another', () => {
    // "invoice" + RIGHT-TO-LEFT OVERRIDE + "fdp.exe" shows as "invoiceexe.pdf" when rendered as it is.
    assert.equal(visibleText('invoice\u202Efdp.exe'), 'invoice⟨U+202E⟩fdp.exe');
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      assert.equal(visibleText(`a${String.fromCodePoint(code)}b`), `a⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩b`);
    }
  });

  it('shows control, zero-width and separator characters, and lone surrogates', () => {
    assert.equal(visibleText('a\u0000b\u0007c\td\ne\u007Ff\u0085'), 'a⟨U+0000⟩b⟨U+0007⟩c⟨U+0009⟩d⟨U+000A⟩e⟨U+007F⟩f⟨U+0085⟩');
    assert.equal(visibleText('pay\u200Bpal\uFEFF\u2028\u2029\u00AD'), 'pay⟨U+200B⟩pal⟨U+FEFF⟩⟨U+2028⟩⟨U+2029⟩⟨U+00AD⟩');
    assert.equal(visibleText('x\uD800y'), 'x⟨U+D800⟩y');
    assert.deepEqual(splitVisible('ab\u202Ecd'), [{ kind: 'text', text: 'ab' }, { kind: 'hidden', codePoint: 0x202e }, { kind: 'text', text: 'cd' }]);
  });

  it('leaves ordinary text of any script alone, emoji sequences included', () => {
    for (const text of ['Coopérative Soubré', 'مزرعة النخيل', 'ฟาร์ม', '農場', 'family 👨‍👩‍👧', 'skin 👍🏽', 'flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'heart ❤️‍🔥']) {
      assert.equal(visibleText(text), text, text);
    }
    assert.equal(visibleText('a\u200Db'), 'a⟨U+200D⟩b', 'a joiner between letters is not an emoji sequence');
    assert.deepEqual(splitVisible(''), []);
  });
});
