// client-go JSONPath as kubectl -o jsonpath runs it (goldens from kubectl 1.33).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SockError } from '../../../../plugin/errors.ts';
import { JsonPath } from '../../../../plugin/kube/printers/jsonpath/eval.ts';
import { JsonPathParseError, parseJsonPath } from '../../../../plugin/kube/printers/jsonpath/parser.ts';
import { JsonPathPrinter, printResults } from '../../../../plugin/kube/printers/jsonpath/printer.ts';

const LIST = {
  apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' },
  items: [
    { kind: 'Pod', metadata: { name: 'p1', labels: { app: 'web', 'app.kubernetes.io/name': 'web' } },
      spec: { containers: [{ name: 'c1', image: 'nginx' }], n: { int: 3, float: 1.5, big: 1234567.5 }, b: true, nul: null, m: {} },
      status: { phase: 'Running' } },
    { kind: 'Pod', metadata: { name: 'p2', labels: { app: 'db' } },
      spec: { containers: [{ name: 'c1', image: 'postgres' }, { name: 'c2', image: 'busybox' }] }, status: { phase: 'Pending' } },
  ],
};

function run(template: string, allowMissingKeys = true, asJson = false): string {
  return new JsonPathPrinter(template, allowMissingKeys, asJson).print(LIST);
}

const printing = suite('JsonPathPrinter.print');

const CASES: Array<[string, string]> = [
  ['{.items[*].metadata.name}', 'p1 p2'],
  ['{.items[0].spec.n}', '{"big":1234567.5,"float":1.5,"int":3}'],
  ['{.items[0].spec.n.big} {.items[0].spec.nul} {.items[0].spec.b} {.items[0].spec.m}', '1.2345675e+06 null true {}'],
  ['{.items[*].spec.containers[*].image}', 'nginx postgres busybox'],
  ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'p1\tRunning\np2\tPending\n'],
  ['{.items[?(@.status.phase=="Running")].metadata.name}', 'p1'],
  ['{.items[?(@.spec.n.int>2)].metadata.name}', 'p1'],
  ['{.items[?(@.spec.n)].metadata.name}', 'p1'],
  ['{.items[-1:].metadata.name} {.items[0:1].metadata.name} {.items[::1].metadata.name}', 'p2 p1 p1 p2'],
  ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'web'],
  ["{.items[*].metadata['name']} {.items[0,1].status.phase}", 'p1 p2 Running Pending'],
  ['{..name}', 'p1 c1 p2 c1 c2'],
  ['{@.kind} {$.apiVersion}', 'List v1'],
  ["{'\\t'}x{\"a\\\"b\"}", '\txa"b'],
  ['{true} {3} {1.5} {-2}', 'true 3 1.5 -2'],
  ['{.items[0].metadata.nosuch}', ''],
  ['text only', 'text only'],
];

printing('templates :: kubectl 1.33 output', () => {
  for (const [template, want] of CASES) assert.is(run(template), want, template);
});

printing('jsonpath-as-json :: one indented array per template node', () => {
  assert.is(run('{.items[*].metadata.name}', true, true), '[\n    "p1",\n    "p2"\n]\n');
  assert.is(run('{.kind}{.x}', true, true), '[\n    "List"\n]\n[]\n');
});

printing('missing keys :: kubectl\'s error with the %#v dump', () => {
  try {
    new JsonPathPrinter('{.x}', false, false).print({ a: [1, null], b: 'q' });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, SockError);
    assert.is((err as Error).message,
      'error executing jsonpath "{.x}": Error executing template: x is not found. Printing more information for debugging the template:\n' +
      '\ttemplate was:\n\t\t{.x}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"a":[]interface {}{1, interface {}(nil)}, "b":"q"}\n\n\n');
  }
});

printing('runtime errors :: client-go messages', () => {
  const messages: Array<[string, RegExp]> = [
    ['{.items[5]}', /array index out of bounds: index 5, length 2\./],
    ['{.items[2:1]}', /array index out of bounds: index 2, length 2\./],
    ['{.items[1:0]}', /starting index 1 is greater than ending index 0\./],
    ['{.items[::0]}', /step must be > 0\./],
    ['{.kind[0]}', /string is not array or slice\./],
    ['{end}', /not in range, nothing to end\./],
    ['{foo}', /unrecognized identifier foo\./],
    ['{.items[?(@.spec.n.float==1)].metadata.name}', /incompatible types for comparison\./],
    ['{.items[?(@.spec.b>true)].metadata.name}', /invalid type for comparison\./],
    ['{.items[?(@.metadata.name=1)].x}', /unrecognized filter operator =\./],
  ];
  for (const [template, re] of messages) assert.throws(() => run(template), re, template);
});

printing.run();

const parsing = suite('parseJsonPath');

parsing('errors :: client-go parser messages', () => {
  const messages: Array<[string, string]> = [
    ['{.kind', 'unclosed action'],
    ['{.kind,.apiVersion}', "unrecognized character in action: U+002C ','"],
    ['{.items[}', 'unterminated array'],
    ['{.items[a]}', 'invalid array index a'],
    ['{"abc}', 'unterminated quoted string'],
    ['{....name}', 'invalid multiple recursive descent'],
    ['{.items[?(@.x}', 'unterminated filter'],
    ['{1.2.3}', 'cannot parse number 1.2.3'],
  ];
  for (const [template, message] of messages) {
    assert.throws(() => parseJsonPath(template), (e: unknown) => e instanceof JsonPathParseError && e.message === message, template);
  }
});

parsing('range state :: a JSONPath keeps its root after a range, as client-go does', () => {
  const path = new JsonPath(parseJsonPath('{range .items[*]}{.metadata.name},{end}'), true);
  assert.equal(path.findResults(LIST).flat(), ['p1', ',', 'p2', ',']);
  assert.equal(printResults(['a', 1, null, { b: 2 }], false), 'a 1 null {"b":2}');
});

parsing.run();
