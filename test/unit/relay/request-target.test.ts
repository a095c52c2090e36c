// Go's url.URL path rules for the relay: decoding a request-target, and the
// escaped path kubectl proxy sends upstream (url.URL.EscapedPath). The cases
// were measured against kubectl proxy 1.33 (test/e2e/proxy-encoding.test.ts
// compares the two proxies on generated targets).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { escapedPath, parseTarget, unescapePath } from '../../../plugin/relay/request-target.ts';

test('parseTarget :: decodes the path for the filter, keeps the raw path and query', () => {
  assert.equal(parseTarget('/api/v1/pods/%65xec?watch=1&a=%20'), { rawPath: '/api/v1/pods/%65xec', path: '/api/v1/pods/exec', bytes: '/api/v1/pods/exec', rawQuery: 'watch=1&a=%20' });
  assert.is(parseTarget('/bad/%zz'), undefined);
  assert.is(parseTarget('/bad/%2'), undefined);
  assert.is(parseTarget('*'), undefined);
});

test('parseTarget :: any escaped byte decodes, as in Go (%ff is not UTF-8 but is a byte)', () => {
  const t = parseTarget('/api/v1/a%ffb/%C3%A9');
  assert.is(t?.bytes, '/api/v1/a\xffb/\xc3\xa9');
  assert.is(t?.path, '/api/v1/a\ufffdb/é');
});

test("unescapePath :: '+' stays '+' in a path", () => {
  assert.is(unescapePath('/a+b%2B'), '/a+b+');
});

// [raw path as sent, what kubectl proxy 1.33 sends upstream]
const sent: [string, string][] = [
  ['/api/v1/pods', '/api/v1/pods'],
  ['/api/v1/x#frag', '/api/v1/x%23frag'],
  ['/api/v1/a%23b', '/api/v1/a%23b'],
  ['/api/v1/a"b', '/api/v1/a%22b'],
  ['/api/v1/a<b>', '/api/v1/a%3Cb%3E'],
  ['/api/v1/a\\b', '/api/v1/a%5Cb'],
  ['/api/v1/a^b', '/api/v1/a%5Eb'],
  ['/api/v1/a`b', '/api/v1/a%60b'],
  ['/api/v1/a{b}|', '/api/v1/a%7Bb%7D%7C'],
  ['/api/v1/a%2Fb#c', '/api/v1/a/b%23c'],
  ['/api/v1/a%ffb', '/api/v1/a%ffb'],
  ['/api/v1/a%2fb', '/api/v1/a%2fb'],
  ['/api/v1/%2E%2E/x', '/api/v1/%2E%2E/x'],
  ["/api/v1/a[b]!$&()*+,;=:@~'", "/api/v1/a[b]!$&()*+,;=:@~'"],
];
for (const [raw, want] of sent) {
  test(`escapedPath :: ${raw} goes upstream as ${want}`, () => {
    const t = parseTarget(raw);
    assert.ok(t);
    if (t) assert.is(escapedPath(t.rawPath, t.bytes), want);
  });
}

test.run();
