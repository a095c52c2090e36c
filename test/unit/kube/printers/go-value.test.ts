import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goQuote } from '../../../../plugin/kube/printers/go-value.ts';

// Expected strings are what Go 1.24's strconv.Quote (kubectl 1.33) prints for the same input.
test('goQuote :: control and named escapes, printable text kept', () => {
  assert.is(goQuote('a"b\\c\n\t\x07\x7f'), '"a\\"b\\\\c\\n\\t\\a\\x7f"');
  assert.is(goQuote('héllo 😀'), '"héllo 😀"');
});

test('goQuote :: format characters and unassigned code points are escaped', () => {
  assert.is(goQuote('\u00ad\u200b\u0378'), '"\\u00ad\\u200b\\u0378"');
  assert.is(goQuote('\u{e0001}'), '"\\U000e0001"');
});

// Found by jsonpath.properties.test.ts against kubectl: U+FD90 was assigned (a symbol) after
// Unicode 15.0, Go's tables, so Go still escapes it while JavaScript's \p{S} calls it printable.
test('goQuote :: printability follows Go\'s Unicode 15.0 tables, not the newer ones of JavaScript', () => {
  assert.is(goQuote('\ufd90'), '"\\ufd90"');
  assert.ok(/^\p{S}$/u.test('\ufd90'), 'this Node knows U+FD90 as a symbol (else the case proves nothing)');
});

test.run();
