// Go's encoding/json syntax errors, as kubectl prints them for a body or an exec
// plugin's output that is not JSON (the texts below were printed by kubectl 1.33;
// test/e2e/exec-credential-errors.test.ts compares more with kubectl itself).
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goJsonSyntaxError } from '../../../plugin/kube/go-json-syntax.ts';
import { runs, tried } from '../../helpers/properties.ts';

const cases: [string, string | undefined][] = [
  ['{"a":1}', undefined],
  ['  [1, 2.5e-3, true, false, null, "x\\u00e9"]  ', undefined],
  ['not json at all', "invalid character 'o' in literal null (expecting 'u')"],
  ['{"a":1} trailing', "invalid character 't' after top-level value"],
  ['{"apiVersion":"v1","status":{"token":"x"', 'unexpected end of JSON input'],
  ['', 'unexpected end of JSON input'],
  ['{"a":"x\ny"}', "invalid character '\\n' in string literal"],
  ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
  ['{"a":nulx}', "invalid character 'x' in literal null (expecting 'l')"],
  ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
  ['{"a" 1}', "invalid character '1' after object key"],
  ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
  ['[1 2]', "invalid character '2' after array element"],
  ['-x', "invalid character 'x' in numeric literal"],
  ['1.x', "invalid character 'x' after decimal point in numeric literal"],
  ['1ex', "invalid character 'x' in exponent of numeric literal"],
  ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
  ['<html>', "invalid character '<' looking for beginning of value"],
  ['\u00e9', "invalid character 'Ã' looking for beginning of value"],
];
for (const [input, want] of cases) {
  test(`goJsonSyntaxError :: ${JSON.stringify(input)}`, () => {
    assert.is(goJsonSyntaxError(input), want);
  });
}

test('goJsonSyntaxError :: agrees with JSON.parse on which ASCII texts are JSON', () => {
  const piece = fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '\\', 'a', '1', '-', '.', 'e', 'true', 'null', 'fals', '"k"', '0', 'u', '\n');
  fc.assert(fc.property(fc.array(piece, { maxLength: 16 }).map((p) => p.join('')), (text) => {
    tried('go-json-syntax');
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    assert.is(goJsonSyntaxError(text) === undefined, valid, text);
  }), runs(3000));
});

test.run();
