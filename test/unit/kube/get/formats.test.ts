import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goSprint } from '../../../../plugin/kube/printers/go-value.ts';
import { humanDuration, translateTimestampSince } from '../../../../plugin/kube/get/human-duration.ts';
import { parseRequestUriError } from '../../../../plugin/kube/get/request-uri.ts';
import { compileSortPath, relaxedJsonPath } from '../../../../plugin/kube/get/printers-adapter.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const durations: Array<[number, string]> = [
  [-2 * S, '<invalid>'], [-1500, '0s'], [0, '0s'], [119 * S, '119s'], [2 * M, '2m'], [9 * M + 59 * S, '9m59s'], [10 * M, '10m'],
  [3 * H - 1, '179m'], [3 * H, '3h'], [7 * H + 59 * M, '7h59m'], [8 * H, '8h'], [47 * H, '47h'], [48 * H, '2d'], [7 * D + 23 * H, '7d23h'],
  [8 * D, '8d'], [729 * D, '729d'], [730 * D, '2y'], [731 * D, '2y1d'], [8 * 365 * D, '8y'],
];
for (const [ms, text] of durations) test(`humanDuration :: ${ms} ms is ${text}`, () => assert.is(humanDuration(ms), text));

test('translateTimestampSince :: a missing timestamp is <unknown>', () => {
  assert.is(translateTimestampSince(undefined, new Date()), '<unknown>');
  assert.is(translateTimestampSince('2025-01-01T00:00:00Z', new Date('2025-01-03T00:00:00Z')), '2d');
});

test('goSprint :: table cells that are not strings print as Go prints them', () => {
  assert.is(goSprint(3), '3');
  assert.is(goSprint(1.5), '1.5');
  assert.is(goSprint(true), 'true');
  assert.is(goSprint(null), '<nil>');
  assert.is(goSprint(['a', 1]), '[a 1]');
  assert.is(goSprint({ b: 1, a: 'x' }), 'map[a:x b:1]');
  assert.is(goSprint(1.25e7 + 0.5), '1.25000005e+07');
  assert.is(goSprint(0.00001), '1e-05');
});

const uris: Array<[string, string | undefined]> = [
  ['/version', undefined],
  ['/api/v1/pods?limit=1', undefined],
  ['https://host/api', undefined],
  ['x', 'parse "x": invalid URI for request'],
  ['/a%zz', 'parse "/a%zz": invalid URL escape "%zz"'],
  ['/a\x01', 'parse "/a\\u0001": net/url: invalid control character in URL'],
];
for (const [uri, err] of uris) test(`parseRequestUriError :: ${JSON.stringify(uri)}`, () => assert.is(parseRequestUriError(uri), err));

test('relaxedJsonPath :: a.b, .a.b, {a.b} and {.a.b} are one path', async () => {
  for (const p of ['a.b', '.a.b', '{a.b}', '{.a.b}']) assert.is(await relaxedJsonPath(p), '{.a.b}');
  try {
    await relaxedJsonPath('{{');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /unexpected path string/);
  }
});

test('compileSortPath :: fields, escaped dots, indexes, wildcards (the printers library\'s JSONPath)', async () => {
  const obj = { metadata: { labels: { 'app.kubernetes.io/name': 'web' } }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
  assert.equal((await compileSortPath('{.metadata.labels.app\\.kubernetes\\.io/name}')).first(obj), { found: true, value: 'web' });
  assert.equal((await compileSortPath('{.spec.containers[-1].name}')).first(obj), { found: true, value: 'b' });
  assert.equal((await compileSortPath('{.spec.containers[*].name}')).first(obj), { found: true, value: 'a' });
  assert.equal((await compileSortPath('{.spec.nope}')).first(obj), { found: false });
});

test.run();
