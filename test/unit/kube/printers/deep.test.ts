// Nesting as deep as Go's JSON decoder reads (10,000 levels): the depth check
// kubectl's decoder makes, and the JSON and YAML writers, which keep their
// own stacks (a recursive writer overflowed Node's stack near 1,650 levels).
// The same outputs against kubectl itself are in test/e2e/deep-objects.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonDepthError } from '../../../../plugin/kube/json-depth.ts';
import { listDepthError } from '../../../../plugin/kube/get/list-depth.ts';
import type { Info } from '../../../../plugin/kube/get/collect.ts';
import { goJsonMarshal, goJsonMarshalIndent, writeGoJson } from '../../../../plugin/kube/printers/go-json.ts';
import { goYamlMarshal } from '../../../../plugin/kube/printers/yaml.ts';

/** {"a":{"a":…"x"…}} with `levels` objects. */
function nestedMaps(levels: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

function nestedSlices(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

const depth = suite('jsonDepthError');

depth('counts objects and arrays, the outermost as 1, and names the bracket that went too far', () => {
  const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  assert.is(jsonDepthError(objects(10_000)), undefined);
  assert.is(jsonDepthError(objects(10_001)), "invalid character '{' exceeded max depth");
  assert.is(jsonDepthError(`{"x":${'['.repeat(9_999)}1${']'.repeat(9_999)}}`), undefined);
  assert.is(jsonDepthError(`{"x":${'['.repeat(10_000)}1${']'.repeat(10_000)}}`), "invalid character '[' exceeded max depth");
});

depth('brackets inside strings, escaped quotes and backslashes do not count', () => {
  const noise = '"[{\\"[{\\\\",';
  const text = `{"a":[${noise.repeat(3000)}1],"b":${'['.repeat(9_998)}0${']'.repeat(9_998)}}`;
  assert.is(jsonDepthError(text), undefined);
  assert.is(jsonDepthError(`{"k":"${'['.repeat(30_000)}"}`), undefined);
});

depth('a List two levels around an item deep enough alone is too deep', () => {
  const info = (name: string | undefined, object: unknown) => ({ visit: { name }, object }) as unknown as Info;
  assert.is(listDepthError([info('a', nestedMaps(9_998))]), undefined);
  assert.is(listDepthError([info('a', nestedMaps(9_999))])?.message, "invalid character '{' exceeded max depth");
  // The first too-deep bracket in marshalled order: keys sorted ("a" < "b").
  assert.is(listDepthError([info('a', { b: nestedMaps(9_998), a: [nestedSlices(9_997)] })])?.message, "invalid character '[' exceeded max depth");
  // Items of a list page were nested as deep in it already.
  assert.is(listDepthError([info(undefined, nestedMaps(9_999))]), undefined);
});

depth.run();

const json = suite('writeGoJson deep');

/** What json.MarshalIndent writes for nestedMaps(n): a line per level, indented four spaces more each. */
function indentedMaps(n: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < n; i++) {
    open += `${i === 0 ? '' : `${' '.repeat(4 * i)}"a": `}{\n`;
    close = `\n${' '.repeat(4 * i)}}${close}`;
  }
  return `${open}${' '.repeat(4 * n)}"a": "x"${close}`;
}

// Indented output grows with the square of the depth (200 M characters at 10,000), so the indented case stops at 2,500.
json('10,000 levels: the same text as a shallow object shows, without a stack overflow', () => {
  assert.is(goJsonMarshalIndent(nestedMaps(3)), indentedMaps(3));
  assert.is(goJsonMarshalIndent(nestedMaps(2_500)), indentedMaps(2_500));
  assert.is(goJsonMarshal(nestedSlices(10_000)), `${'['.repeat(10_000)}1${']'.repeat(10_000)}`);
});

json('output comes in pieces, never one string of the whole', () => {
  let pieces = 0;
  let longest = 0;
  let total = 0;
  writeGoJson(nestedMaps(3000), (text) => {
    pieces++;
    longest = Math.max(longest, text.length);
    total += text.length;
  }, '    ');
  assert.is(total, indentedMaps(3000).length);
  assert.ok(pieces > 100 && longest < 200_000, `${pieces} pieces, longest ${longest}`);
});

json.run();

const yaml = suite('goYamlMarshal deep');

yaml('10,000 levels of sequences (and 3,000 of mappings), as go-yaml writes them', () => {
  let maps = '';
  for (let i = 0; i < 3_000; i++) maps += `${'  '.repeat(i)}a:${i === 2_999 ? ' x' : ''}\n`;
  assert.is(goYamlMarshal(nestedMaps(3_000)), maps);
  assert.is(goYamlMarshal(nestedSlices(10_000)), `${'- '.repeat(10_000)}1\n`);
});

yaml('with a sink the text is handed on in pieces and nothing is returned', () => {
  const parts: string[] = [];
  assert.is(goYamlMarshal(nestedMaps(2000), (t) => parts.push(t)), '');
  assert.ok(parts.length > 10);
  assert.is(parts.join(''), goYamlMarshal(nestedMaps(2000)));
});

yaml.run();
