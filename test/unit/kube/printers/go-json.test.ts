// encoding/json as kubectl's -o json writes unstructured objects (goldens from kubectl 1.33).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { goJsonMarshal, goJsonMarshalIndent, goJsonString } from '../../../../plugin/kube/printers/go-json.ts';
import { formatGoFloat, GoFloat, goKind, goSharpV, goSprint, parseKubeJson } from '../../../../plugin/kube/printers/go-value.ts';

const marshal = suite('goJsonMarshalIndent');

marshal('keys :: sorted by bytes, 4-space indent, empty containers compact', () => {
  const v = { b: [], a10: {}, a9: [1, { z: null, y: true }], aB: 'x', a_b: 'y' };
  assert.is(
    goJsonMarshalIndent(v),
    '{\n    "a10": {},\n    "a9": [\n        1,\n        {\n            "y": true,\n            "z": null\n        }\n    ],\n' +
      '    "aB": "x",\n    "a_b": "y",\n    "b": []\n}',
  );
});

marshal('compact :: json.Marshal', () => {
  assert.is(goJsonMarshal({ b: [1, 2], a: { c: 'd' } }), '{"a":{"c":"d"},"b":[1,2]}');
});

marshal.run();

const strings = suite('goJsonString');

strings('escaping :: HTML-safe, control characters, line separators, short escapes', () => {
  assert.is(goJsonString('<a&b>'), '"\\u003ca\\u0026b\\u003e"');
  assert.is(goJsonString('a\u0001b\u001f'), '"a\\u0001b\\u001f"');
  assert.is(goJsonString('\b\f\n\r\t"\\'), '"\\b\\f\\n\\r\\t\\"\\\\"');
  assert.is(goJsonString('x\u2028y\u2029'), '"x\\u2028y\\u2029"');
  assert.is(goJsonString('héllo ✓ 😀 \u007f'), '"héllo ✓ 😀 \u007f"');
  assert.is(goJsonString('lone \ud800'), '"lone \uFFFD"');
});

strings.run();

const numbers = suite('numbers');

numbers('json :: int64 vs float64 as kubectl prints them', () => {
  assert.is(goJsonMarshal([3, -2, 0, 1.5, 1234567.5, 1e21, 1e-7, 0.00001, 1e20, 9007199254740991]),
    '[3,-2,0,1.5,1234567.5,1e+21,1e-7,0.00001,100000000000000000000,9007199254740991]');
});

numbers('parseKubeJson :: int64 beyond 2^53 kept exact', () => {
  const v = parseKubeJson('{"a":9223372036854775807,"b":1.0,"c":12}') as Record<string, unknown>;
  assert.is(v['a'], 9223372036854775807n);
  assert.is(goJsonMarshal(v), '{"a":9223372036854775807,"b":1,"c":12}');
});

numbers('fmt :: %v of floats uses strconv g, ints are decimal', () => {
  assert.is(formatGoFloat(1e6), '1e+06');
  assert.is(formatGoFloat(123456789.5), '1.234567895e+08');
  assert.is(formatGoFloat(100000), '100000');
  assert.is(formatGoFloat(0.0001), '0.0001');
  assert.is(formatGoFloat(0.00001), '1e-05');
  assert.is(goSprint(new GoFloat(3)), '3');
  assert.is(goKind(1e20), 'float');
  assert.is(goKind(5), 'int');
});

numbers('fmt :: %v and %#v of maps', () => {
  const v = { b: [1, 'x\n', null, true], a: 'héllo \u0001', c: {} };
  assert.is(goSprint(v), 'map[a:héllo \u0001 b:[1 x\n <nil> true] c:map[]]');
  assert.is(goSharpV(v), 'map[string]interface {}{"a":"héllo \\x01", "b":[]interface {}{1, "x\\n", interface {}(nil), true}, "c":map[string]interface {}{}}');
});

numbers.run();
