type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';

/**
 * Finds where JSON text first breaks the grammar, and what was expected there. Run only
 * after JSON.parse has failed: V8's messages give no position for many errors
 * ("Unexpected token ','…"), and users need one. Iterative, so deep nesting cannot
 * overflow the stack.
 */
export function findJsonError(text: string): { position: number; problem: string } | undefined {
  const stack: string[] = []; // the closing bracket each open container needs
  const n = text.length;
  let i = 0;
  let expect: Expect = 'value';
  const fail = (problem: string) => ({ position: i, problem });
  const found = () => (i < n ? `found ${JSON.stringify(text[i])}` : 'the text ends');
  const afterValue = (): Expect => (stack.length > 0 ? 'commaOrClose' : 'end');

  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    if (i >= n) return expect === 'end' ? undefined : fail('the text ends before the JSON is complete');
    const c = text[i];
    const close = stack[stack.length - 1];
    switch (expect) {
      case 'valueOrClose':
        if (c === ']') { stack.pop(); i++; expect = afterValue(); break; }
      // falls through
      case 'value': {
        if (c === '{') { stack.push('}'); i++; expect = 'keyOrClose'; break; }
        if (c === '[') { stack.push(']'); i++; expect = 'valueOrClose'; break; }
        const end = c === '"' ? stringEnd(text, i) : scalarEnd(text, i);
        if (typeof end === 'object') return end;
        if (end === i) return fail(`${found()} where a value was expected`);
        i = end;
        expect = afterValue();
        break;
      }
      case 'keyOrClose':
        if (c === '}') { stack.pop(); i++; expect = afterValue(); break; }
      // falls through
      case 'key': {
        if (c !== '"') return fail(`${found()} where a member name in double quotes was expected`);
        const end = stringEnd(text, i);
        if (typeof end === 'object') return end;
        i = end;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return fail(`${found()} where ":" was expected after a member name`);
        i++;
        expect = 'value';
        break;
      case 'commaOrClose':
        if (c === ',') { i++; expect = close === '}' ? 'key' : 'value'; break; }
        if (c === close) { stack.pop(); i++; expect = afterValue(); break; }
        return fail(`${found()} where "," or "${close}" was expected`);
      default:
        return fail(`${found()} after the end of the JSON value`);
    }
  }
}

const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** `i` is at a quote: the index after the closing quote, or the error inside the string. */
function stringEnd(text: string, i: number): number | { position: number; problem: string } {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return j + 1;
    if (c < ' ') return { position: j, problem: 'a control character (such as a raw line break) inside a string' };
    if (c !== '\\') continue;
    const e = text[j + 1];
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) j += 5;
    else if (e !== undefined && ESCAPES.has(e)) j++;
    else return { position: j, problem: 'an invalid escape sequence inside a string' };
  }
  return { position: text.length, problem: 'a string that is never closed' };
}

const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/** The index after a number or literal starting at `i` (i itself when there is none). */
function scalarEnd(text: string, i: number): number {
  SCALAR.lastIndex = i;
  return SCALAR.test(text) ? SCALAR.lastIndex : i;
}
