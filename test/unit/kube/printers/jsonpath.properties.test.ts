// Property tests of kubectl's JSONPath (-o jsonpath): any template on any
// object prints or fails with a SockError (never a TypeError, RangeError or
// stack overflow); plain text is printed as is; {.a.b} equals direct property
// access; and on generated templates and objects the output, the error text
// and the exit code are real kubectl 1.33's (`kubectl annotate --local -f -
// -o jsonpath=…`, offline).
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatError, SockError } from '../../../../plugin/errors.ts';
import { goJsonMarshal } from '../../../../plugin/kube/printers/go-json.ts';
import { goSprint, parseKubeJson } from '../../../../plugin/kube/printers/go-value.ts';
import { newPrinter } from '../../../../plugin/kube/printers/index.ts';
import { JsonPathPrinter } from '../../../../plugin/kube/printers/jsonpath/printer.ts';
import { KUBECTL } from '../../../helpers/processes.ts';
import { nastyString, runs, tried, typedOnly, wellFormed } from '../../../helpers/properties.ts';

const KEYS = ['a', 'b', 'items', 'name', 'n', 'x y', 'é', '', '0', 'kind', 'a.b', 'range', 'end', 'true'];
const key = fc.constantFrom(...KEYS);
const scalar = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0, -1, 1.5, 1e6, 1e21, 0.1, -0.000001, 2 ** 53 + 2),
  fc.boolean(), fc.constant(null), nastyString(4).map((s) => s.replace(/[\ud800-\udfff]/g, '')),
);
/** A JSON value: scalars, arrays and objects, nested up to `depth`. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;

/** An object kubectl accepts with --local: apiVersion, kind, metadata.name, and generated content (no top-level items: kubectl decodes that as a List). */
const object = fc.dictionary(key.filter((k) => k !== 'items'), value, { maxKeys: 5 }).map((content) => ({
  ...content, apiVersion: 'x.example/v1', kind: 'Zork', metadata: { name: 'x', annotations: { x: 'y' } },
}));

/** Template pieces from the JSONPath grammar, with the odd broken one. */
const fieldName = fc.oneof(key.filter((k) => /^[\w]+$/.test(k)), fc.constantFrom('a\\.b', 'x\\ y', '*', 'metadata', 'kind'));
const step = fc.oneof(
  fieldName.map((k) => `.${k}`),
  fieldName.map((k) => `..${k}`),
  fc.constantFrom('[*]', '.*', '[0]', '[1]', '[-1]', '[0:2]', '[1:]', '[:-1]', '[::2]', '[0,1]', '[5]', '[a]', '[2:1]', '[::0]', "['a']", "['x y']", '[]', '..'),
  fc.tuple(fieldName, fc.constantFrom('==', '!=', '<', '>', '<=', '>=', ''), fc.constantFrom("'a'", '"b"', '1', '1.5', 'true', '@.n', '')).map(
    ([k, op, rhs]) => (op === '' ? `[?(@.${k})]` : `[?(@.${k}${op}${rhs})]`)),
);
const action = fc.oneof(
  { weight: 6, arbitrary: fc.array(step, { minLength: 1, maxLength: 4 }).map((s) => s.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('@', '$', '.', '"\\t"', "'x'", '"\\n"', '"\\u00e9"', 'range .items[*]', 'range .*', 'end', '.a,.b', '1', 'true', 'x') },
  { weight: 1, arbitrary: nastyString(3) },
);
const text = nastyString(2).map((s) => s.replace(/[{\ud800-\udfff]/g, ''));
const template = fc.array(fc.oneof(text, action.map((a) => `{${a}}`)), { minLength: 1, maxLength: 5 }).map((p) => p.join(''));

function print(tpl: string, obj: unknown, allowMissing = true): string | SockError {
  tried('jsonpath');
  const r = typedOnly(() => new JsonPathPrinter(tpl, allowMissing, false).print(obj));
  if (r instanceof Error && !(r instanceof SockError)) throw r;
  return r;
}

test('JsonPathPrinter :: any template on any object prints or is a SockError', () => {
  const anyTemplate = fc.oneof(template, nastyString(16), fc.array(fc.constantFrom('{', '}', '[', ']', '(', ')', '?', '@', '.', '..', '*', "'", '"', '\\', ',', ':', '=', '!', '<', 'a', '1', ' ', '\n', 'range', 'end'), { maxLength: 24 }).map((p) => p.join('')));
  fc.assert(fc.property(anyTemplate, fc.oneof(object, value), fc.boolean(), (tpl, obj, allowMissing) => {
    print(tpl, parseKubeJson(JSON.stringify(obj)), allowMissing);
  }), runs(1500));
});

// Objects 600 deep (1200 JSON levels): the JSON encoder recurses, and overflows near 1650 levels
// (-o json near 1950, -o yaml near 3100) where Go grows its stack; see the report of issue #9.
// Deep templates run on a small object: `..` repeated n times on an n-deep object is
// exponential in kubectl too.
test('JsonPathPrinter :: deep templates and objects do not overflow the stack', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 5000 }), fc.constantFrom('[?(@', '{', '[', '..a', '.a', '[0]', "['a']"), (depth, length, unit) => {
    let obj: unknown = 1;
    for (let i = 0; i < depth; i++) obj = { a: [obj] };
    print(`{${unit.repeat(length)}}`, { a: [{ a: 1 }] });
    print('{..a}', obj);
    print('{.a[0].a[0].a}', obj);
  }), runs(20, 400));
});

test('JsonPathPrinter :: text without braces prints as written', () => {
  fc.assert(fc.property(nastyString(12).map((s) => s.replace(/[{\ud800-\udfff]/g, '')), (t) => {
    assert.is(print(t, {}), t);
  }), runs(500));
});

test('JsonPathPrinter :: {.k1.k2…} equals direct property access', () => {
  const plainKey = fc.constantFrom('a', 'b', 'items', 'name', 'n', 'kind', '_x', 'é');
  fc.assert(fc.property(fc.dictionary(plainKey, value, { maxKeys: 5 }), fc.array(plainKey, { minLength: 1, maxLength: 4 }), fc.boolean(), (obj, path, allowMissing) => {
    const parsed = parseKubeJson(JSON.stringify(obj));
    let cur: unknown = parsed;
    let missing: string | undefined;
    for (const k of path) {
      if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, k)) cur = (cur as Record<string, unknown>)[k];
      else {
        missing = k;
        break;
      }
    }
    const got = print(`{.${path.join('.')}}`, parsed, allowMissing);
    if (missing !== undefined) {
      if (allowMissing) assert.is(got, '');
      else assert.ok(got instanceof SockError && got.message.includes(`Error executing template: ${missing} is not found.`), String(got));
      return;
    }
    const expected = cur === null ? 'null' : typeof cur === 'object' ? goJsonMarshal(cur) : goSprint(cur);
    assert.is(got, expected);
  }), runs(800));
});

/** kubectl's stdout, stderr and exit code for the template on the object. */
function kubectlJsonPath(tpl: string, obj: unknown): string {
  tried('jsonpath (kubectl oracle)');
  const r = spawnSync(KUBECTL, ['annotate', '--local', '-f', '-', '--overwrite', 'x=y', '-o', `jsonpath=${tpl}`], {
    input: JSON.stringify(obj), encoding: 'utf8', timeout: 60_000, env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', KUBECONFIG: '/dev/null' },
  });
  return `exit ${r.status}\n${r.stdout}\n${r.stderr}`;
}

function ours(tpl: string, obj: unknown): string {
  tried('jsonpath');
  let out = '';
  try {
    newPrinter({ output: `jsonpath=${tpl}` }).printObject(parseKubeJson(JSON.stringify(obj)), { write: (s: string) => (out += s) });
    return `exit 0\n${out}\n`;
  } catch (err) {
    const f = formatError(err);
    return `exit ${f.exitCode}\n${out}\n${f.text.endsWith('\n') ? f.text : `${f.text}\n`}`;
  }
}

/** Go iterates maps in random order: with `*` or `..` only the exit code and the output's characters are compared. */
function comparable(result: string, tpl: string): string {
  if (!/\*|\.\./.test(tpl)) return result;
  const [exit = '', ...rest] = result.split('\n');
  return exit === 'exit 0' ? `${exit}\n${[...rest.join('\n')].sort().join('')}` : exit;
}

test('JsonPathPrinter :: prints what kubectl prints, fails where kubectl fails, with its message', () => {
  const argvSafe = template.filter((t) => wellFormed(t) && !t.includes('\0') && !t.startsWith('-') && t !== '');
  fc.assert(fc.property(argvSafe, object, (tpl, obj) => {
    const theirs = kubectlJsonPath(tpl, obj);
    const mine = ours(tpl, obj);
    // client-go panics on some `range` over nothing ("reflect: call of reflect.Value.Type on
    // zero Value", exit 2); kubectl-sock reports an error there instead of crashing.
    if (/^exit 2\n[^]*\npanic: /.test(theirs)) return assert.ok(mine.startsWith('exit 1\n'), mine);
    assert.fixture(comparable(mine, tpl), comparable(theirs, tpl), `${tpl}\n${JSON.stringify(obj)}`);
  }), runs(40, 1500));
});

test.run();
