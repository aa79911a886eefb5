import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppError } from '../../src/domain/errors.js';
import { assertSafeName, forbiddenCharacter, isSafeName } from '../../src/domain/names.js';

describe('the name rule', () => {
  it('accepts any script, emoji and punctuation', () => {
    for (const name of ['farms-2026', 'Coopérative Agricole', 'مزارع', 'חוות', '農場 🌱', 'a\u200Fb', 'x'.repeat(200)]) {
      assert.ok(isSafeName(name), name);
    }
  });

  it('refuses C0 and C1 controls, bidirectional embeddings, overrides and isolates, and lone surrogates', () => {
    const cases: [string, number, number][] = [
      ['\u0000', 0x0000, 1], ['ab\u001f', 0x001f, 3], ['\u007f', 0x007f, 1], ['a\u0085', 0x0085, 2], ['x\u009f', 0x009f, 2],
      ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((c): [string, number, number] => [`ok${String.fromCharCode(c)}`, c, 3]),
      ['\ud800x', 0xd800, 1], ['x\udfff', 0xdfff, 2],
      // A surrogate pair is one character: the position counts it once.
      ['🌱\u202e', 0x202e, 2],
    ];
    for (const [text, codePoint, position] of cases) {
      assert.equal(isSafeName(text), false, JSON.stringify(text));
      assert.deepEqual(forbiddenCharacter(text)?.codePoint, codePoint, JSON.stringify(text));
      assert.deepEqual(forbiddenCharacter(text)?.position, position, JSON.stringify(text));
    }
  });

  it('lets free text hold tabs and line breaks, and nothing else of the above', () => {
    assert.ok(isSafeName('line one\r\nline\ttwo', { multiline: true }));
    assert.equal(isSafeName('line one\nline two'), false);
    assert.equal(isSafeName('line\u0000', { multiline: true }), false);
    assert.equal(isSafeName('line\u202e', { multiline: true }), false);
  });

  it('counts length in characters and names the field, the character and where it is', () => {
    assert.ok(isSafeName('🌱'.repeat(10), { maxChars: 10 }));
    assert.equal(isSafeName('🌱'.repeat(11), { maxChars: 10 }), false);
    assert.throws(() => assertSafeName('label', 'abc', { maxChars: 2 }), (err: AppError) =>
      err.status === 400 && err.code === 'NAME_TOO_LONG' && err.message === 'label has 3 characters; it may have at most 2.');
    assert.throws(() => assertSafeName('collection_name', 'report\u202Efdp.exe'), (err: AppError) =>
      err.status === 400 && err.code === 'NAME_CHARACTER_NOT_ALLOWED' && /RIGHT-TO-LEFT OVERRIDE \(U\+202E\) at character 7/.test(err.message) &&
      err.extra.field === 'collection_name' && err.extra.character === 'U+202E' && err.extra.position === 7);
    assert.doesNotThrow(() => assertSafeName('collection_name', 'plain'));
  });
});
