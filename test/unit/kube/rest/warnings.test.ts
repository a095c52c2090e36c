import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { parseWarningHeaders, WarningWriter } from '../../../../plugin/kube/rest/warnings.ts';

test('parseWarningHeaders :: code, agent, quoted text with escapes, optional date, comma-separated', () => {
  assert.equal(parseWarningHeaders(['299 - "example.com/v1beta1 DeprecatedKind is deprecated"']), [
    { code: 299, agent: '-', text: 'example.com/v1beta1 DeprecatedKind is deprecated' },
  ]);
  assert.equal(
    parseWarningHeaders(['299 - "a \\"quoted\\" word" "Mon, 07 Dec 2026 20:00:00 GMT", 299 kube-apiserver "second"', '199 x "misc"']).map((w) => [w.code, w.text]),
    [[299, 'a "quoted" word'], [299, 'second'], [199, 'misc']],
  );
  // A malformed one ends that header (apimachinery stops at the first error).
  assert.equal(parseWarningHeaders(['299 - "ok", 99 - "bad", 299 - "never"']).map((w) => w.text), ['ok']);
  assert.equal(parseWarningHeaders(['299 -', '299 - "unterminated']), []);
});

test('WarningWriter :: 299 warnings once each, "Warning: " on stderr, counted; others ignored', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => (text += c));
  const w = new WarningWriter(out, {});
  w.handle(['299 - "one"', '299 - "two"']);
  w.handle('299 - "one", 199 - "not 299"');
  w.handle(undefined);
  assert.is(text, 'Warning: one\nWarning: two\n');
  assert.is(w.count, 2);
});

test('WarningWriter :: yellow on a terminal (TERM not dumb), as client-go colours it', () => {
  const out = Object.assign(new PassThrough(), { isTTY: true });
  let text = '';
  out.on('data', (c) => (text += c));
  new WarningWriter(out, { TERM: 'xterm' }).handle('299 - "w"');
  assert.is(text, '\u001b[33;1mWarning:\u001b[0m w\n');
});

test.run();
