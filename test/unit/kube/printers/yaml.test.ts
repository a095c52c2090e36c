// sigs.k8s.io/yaml (go-yaml v2) output, byte for byte; goldens from kubectl 1.33
// and sigs.k8s.io/yaml@v1.4.0 (the version kubectl 1.33 vendors).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { goYamlMarshal } from '../../../../plugin/kube/printers/yaml.ts';
import { resolvesToString, yamlKeyLess, yamlSortedKeys } from '../../../../plugin/kube/printers/yaml-resolve.ts';
import { toKubectlYaml } from '../../../../plugin/kube/yaml-output.ts';

const quoting = suite('goYamlMarshal quoting');

const SCALARS: Array<[string, string]> = [
  ['true', '"true"'], ['y', '"y"'], ['NO', '"NO"'], ['on', '"on"'], ['1', '"1"'], ['1e3', '"1e3"'], ['', '""'],
  ['null', '"null"'], ['~', '"~"'], ['2001-12-14', '"2001-12-14"'], ['2026-11-23T17:45:56Z', '"2026-11-23T17:45:56Z"'],
  ['0777', '"0777"'], ['0x1F', '"0x1F"'], ['.inf', '".inf"'], ['1:20', '"1:20"'], ['2001-02-30', '2001-02-30'],
  ['a: b', "'a: b'"], ['- x', "'- x'"], ['*x', "'*x'"], ['&a', "'&a'"], ['!x', "'!x'"], ['%x', "'%x'"], ['@x', "'@x'"],
  ['`x', "'`x'"], ['{x}', "'{x}'"], ['[x]', "'[x]'"], ['|x', "'|x'"], ['>x', "'>x'"], ["'x'", "'''x'''"], ['"x"', `'"x"'`],
  ['a #b', "'a #b'"], [' x', "' x'"], ['x ', "'x '"], ['---', "'---'"], ['-', "'-'"], [':', "':'"], ['?', "'?'"],
  ['a,b', 'a,b'], ['?x', '?x'], ['.', '.'], ['a:b', 'a:b'], ['a#', 'a#'], ['<a&b>', '<a&b>'],
  ['a\tb', '"a\\tb"'], ['a\r\nb', '"a\\r\\nb"'], ['a\u0001b', '"a\\x01b"'], ['héllo ✓ 😀', '"héllo ✓ \\U0001F600"'],
  ['\ufeffab', '"\\uFEFF\\x61\\x62"'], ['a\u00a0b', 'a\u00a0b'],
];

quoting('plain, single- or double-quoted :: as go-yaml resolves YAML 1.1', () => {
  for (const [value, yaml] of SCALARS) assert.is(goYamlMarshal({ k: value }), `k: ${yaml}\n`, JSON.stringify(value));
});

quoting('keys :: quoted by the same rules', () => {
  assert.is(goYamlMarshal({ y: 'y', NO: 'NO', null: 1, '': 2 }), '"": 2\n"NO": "NO"\n"null": 1\n"y": "y"\n');
});

quoting('resolvesToString :: ints, floats, timestamps', () => {
  for (const s of ['1_000', '+1', '-5', '.5', '1e400x', '0b101', '-0b1', '2001-1-2', '2001-12-14 1:2:3', '2001-12-14t1:2:3.5+01:00']) {
    assert.is(resolvesToString(s), s === '1e400x', s);
  }
});

quoting.run();

const blocks = suite('goYamlMarshal blocks');

blocks('multi-line :: literal with chomping and indentation hints', () => {
  assert.is(goYamlMarshal({ a: 'x\ny\n', b: 'x\ny', c: '\n\nx\n\n', d: '  lead\nx', e: 'a \nb', f: 'a\n ' }),
    'a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |2+\n\n\n  x\n\nd: |2-\n    lead\n  x\ne: "a \\nb"\nf: "a\\n "\n');
});

blocks('long strings :: folded at 80 columns, continuation indented', () => {
  const long = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt uuuu vvvv wwww';
  assert.is(goYamlMarshal({ metadata: { annotations: { long } } }),
    'metadata:\n  annotations:\n    long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n      pppp qqqq rrrr ssss tttt uuuu vvvv wwww\n');
});

blocks('collections :: sequences not indented under keys, empty ones in flow style', () => {
  assert.is(goYamlMarshal({ items: [{ a: 1 }, {}], nested: [[1, 2], []], m: {}, l: [] }),
    'items:\n- a: 1\n- {}\nl: []\nm: {}\nnested:\n- - 1\n  - 2\n- []\n');
});

blocks('keys over 128 bytes :: written as complex keys', () => {
  const k = 'k'.repeat(130);
  assert.is(goYamlMarshal({ [k]: 'v' }), `? ${k}\n: v\n`);
});

blocks('numbers :: typed from their JSON text', () => {
  assert.is(goYamlMarshal({ v: [3, -2, 1.5, 1234567.5, 1e21, 1e-7, 0.00001, 1e20, 18000000000000000000, 9007199254740991, true, null] }),
    'v:\n- 3\n- -2\n- 1.5\n- 1.2345675e+06\n- 1e+21\n- 1e-07\n- 1e-05\n- 1e+20\n- 18000000000000000000\n- 9007199254740991\n- true\n- null\n');
});

blocks('NEL and control characters :: folded, or go-yaml\'s error', () => {
  assert.is(goYamlMarshal({ a: 'x \u0085  y', b: 'p\u0085\u0085q' }), 'a: x y\nb: |-\n  p\n  q\n');
  assert.throws(() => goYamlMarshal({ a: 'x\u007fy' }), /^yaml: control characters are not allowed$/);
  assert.throws(() => goYamlMarshal({ a: 'x\u0085y', 'k\u0085': 'v' }), /^yaml: line 2: did not find expected ',' or '}'$/);
});

blocks('toKubectlYaml :: the version command\'s entry point', () => {
  assert.is(toKubectlYaml({ clientVersion: { major: '1', gitVersion: 'v1.33.0' } }), 'clientVersion:\n  gitVersion: v1.33.0\n  major: "1"\n');
});

blocks.run();

const order = suite('yamlKeyLess');

order('order :: non-letters before letters, digit runs numerically', () => {
  assert.equal(yamlSortedKeys(['aB', 'a_b', 'a10', 'a9', 'app.kubernetes.io/name', 'b', 'A', '1', '01', '10']),
    ['1', '01', '10', 'A', 'a_b', 'a9', 'a10', 'aB', 'app.kubernetes.io/name', 'b']);
  assert.ok(yamlKeyLess('a9', 'a10'));
  assert.not.ok(yamlKeyLess('a10', 'a9'));
});

order.run();
