// kubectl 1.33's go-template printer: text/template (Go 1.24) plus exists and
// base64decode, no sprig (goldens from kubectl 1.33).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SockError } from '../../../../plugin/errors.ts';
import { GoTemplatePrinter } from '../../../../plugin/kube/printers/go-template/printer.ts';
import { goSprintf } from '../../../../plugin/kube/printers/go-template/printf.ts';
import { WatchEvent } from '../../../../plugin/kube/printers/objects.ts';

const POD = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p1', labels: { app: 'web', tier: 'fe' } },
  spec: { containers: [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'busybox' }], n: { int: 3, float: 1.5, big: 1234567.5 }, b: true, nul: null, empty: [] },
  data: { secret: 'aGVsbG8=' },
};

function render(template: string, obj: unknown = POD, allowMissing = true): { out: string; err?: string } {
  let out = '';
  try {
    new GoTemplatePrinter(template, allowMissing).printObject(obj, { write: (s: string) => (out += s) });
    return { out };
  } catch (err) {
    return { out, err: (err as Error).message };
  }
}

const output = suite('GoTemplatePrinter output');

const CASES: Array<[string, string]> = [
  ['{{.kind}} {{.metadata.name}}', 'Pod p1'],
  ['{{.spec.n.int}} {{.spec.n.float}} {{.spec.n.big}} {{.spec.nul}} {{.nothing}} {{.nothing.deeper}}', '3 1.5 1.2345675e+06 <no value> <no value> <no value>'],
  ['{{.metadata.labels}} {{.spec.empty}} {{.spec.containers}}', 'map[app:web tier:fe] [] [map[image:nginx name:c1] map[image:busybox name:c2]]'],
  ['{{range .spec.containers}}{{.name}}={{.image}};{{end}}', 'c1=nginx;c2=busybox;'],
  ['{{range $i, $c := .spec.containers}}{{$i}}:{{$c.name}} {{end}}', '0:c1 1:c2 '],
  ['{{range $k, $v := .metadata.labels}}{{$k}}={{$v}},{{end}}', 'app=web,tier=fe,'],
  ['{{range .spec.empty}}x{{else}}none{{end}} {{range 3}}{{.}}{{end}}', 'none 012'],
  ['{{if eq .kind "Pod"}}pod{{else if .spec.b}}b{{else}}other{{end}}', 'pod'],
  ['{{with .spec.nothing}}x{{else}}none{{end}} {{with .metadata}}{{.name}}{{end}}', 'none p1'],
  ['{{range .spec.containers}}{{if eq .name "c2"}}{{break}}{{end}}{{.name}}{{end}}', 'c1'],
  ['{{index .metadata.labels "app"}} {{index .spec.containers 1 "name"}} {{index .metadata.labels "zz"}}', 'web c2 <no value>'],
  ['{{len .spec.containers}} {{len .kind}} {{len "héllo"}}', '2 3 6'],
  ['{{printf "%s|%d|%5.1f|%q|%x|%-4s|%05d" .kind .spec.n.int .spec.n.float .kind .kind .kind .spec.n.int}}', 'Pod|3|  1.5|"Pod"|506f64|Pod |00003'],
  ['{{print .spec.n.int .kind 1 2}} {{.kind | printf "<%s>"}}', '3Pod1 2 <Pod>'],
  ['{{and .spec.b .kind}} {{or 0 "" "z"}} {{not .spec.empty}} {{eq .nothing "x"}} {{lt .spec.n.int 5}}', 'Pod z true false true'],
  ['{{exists .metadata "labels" "app"}} {{exists .spec.containers 5}}', 'true false'],
  ['{{base64decode .data.secret}} {{.data.secret | base64decode}}', 'hello hello'],
  ['{{- .kind -}}   {{- " x " -}} {{/* comment */}}', 'Pod x '],
  ['{{$x := .kind}}{{$x}}{{$x = "y"}}{{$x}} {{$.metadata.name}}', 'Pody p1'],
  ['{{html "<a & b>"}} {{urlquery "a b&c"}} {{0x10}} {{1e3}}', '&lt;a &amp; b&gt; a+b%26c 16 1000'],
];

output('templates :: kubectl 1.33 output', () => {
  for (const [template, want] of CASES) assert.equal(render(template), { out: want }, template);
});

output('watch events :: the template sees {type, object}', () => {
  assert.equal(render('{{.type}} {{.object.metadata.name}}', new WatchEvent('ADDED', POD)), { out: 'ADDED p1' });
});

output.run();

const failures = suite('GoTemplatePrinter failures');

failures('execution errors :: partial output and the debugging dump on stdout, kubectl\'s error', () => {
  const obj = { kind: 'Pod', a: [1, null] };
  const r = render('A{{.kind}}B{{len}}', obj);
  assert.is(r.out,
    'APodBError executing template: template: output:1:13: executing "output" at <len>: wrong number of args for len: want 1 got 0. ' +
    'Printing more information for debugging the template:\n\ttemplate was:\n\t\tA{{.kind}}B{{len}}\n' +
    '\traw data was:\n\t\t{"a":[1,null],"kind":"Pod"}\n\tobject given to template engine was:\n\t\tmap[a:[1 <nil>] kind:Pod]\n\n');
  assert.is(r.err, 'error executing template "A{{.kind}}B{{len}}": template: output:1:13: executing "output" at <len>: wrong number of args for len: want 1 got 0');
});

failures('execution errors :: Go 1.24 messages', () => {
  const messages: Array<[string, string]> = [
    ['{{.spec.nul.x}}', 'template: output:1:7: executing "output" at <.spec.nul.x>: nil pointer evaluating interface {}.x'],
    ['{{.kind.x}}', 'template: output:1:7: executing "output" at <.kind.x>: can\'t evaluate field x in type interface {}'],
    ['{{len .missing}}', 'template: output:1:2: executing "output" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value'],
    ['{{index .spec.containers 5}}', 'template: output:1:2: executing "output" at <index .spec.containers 5>: error calling index: index out of range: 5'],
    ['{{eq .spec.n.float 1}}', 'template: output:1:2: executing "output" at <eq .spec.n.float 1>: error calling eq: incompatible types for comparison'],
    ['{{base64decode "%%"}}', 'template: output:1:2: executing "output" at <base64decode "%%">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0'],
  ];
  for (const [template, message] of messages) assert.is(render(template).err, `error executing template ${JSON.stringify(template)}: ${message}`, template);
});

failures('missingkey=error :: --allow-missing-template-keys=false', () => {
  assert.match(render('{{.nothing}}', POD, false).err ?? '', /at <\.nothing>: map has no entry for key "nothing"$/);
});

failures('parse errors :: Go\'s text, wrapped as kubectl wraps them', () => {
  const messages: Array<[string, string]> = [
    ['{{.x}', "template: output:1: bad character U+007D '}'"],
    ['{{.kind', 'template: output:1: unclosed action'],
    ['{{upper .kind}}', 'template: output:1: function "upper" not defined'],
    ['{{$nope}}', 'template: output:1: undefined variable "$nope"'],
    ['{{end}}', 'template: output:1: unexpected {{end}}'],
    ['{{if .x}}', 'template: output:1: unexpected EOF'],
    ['{{break}}', 'template: output:1: {{break}} outside {{range}}'],
  ];
  for (const [template, message] of messages) {
    assert.throws(() => new GoTemplatePrinter(template, true), (e: unknown) => e instanceof SockError && e.message === `error parsing template ${template}, ${message}`, template);
  }
});

failures('unsupported :: a clear error, never a different answer', () => {
  for (const template of ['{{define "x"}}y{{end}}', '{{template "x"}}', '{{js .kind}}', "{{'a'}}", '{{1_000}}']) {
    assert.throws(() => new GoTemplatePrinter(template, true), (e: unknown) => e instanceof SockError && /^kubectl sock: go-template construct ".+" is not supported$/.test(e.message), template);
  }
  assert.match(render('{{printf "%U" 3}}').err ?? '', /^kubectl sock: go-template construct "printf %U with this operand" is not supported$/);
});

failures.run();

const printf = suite('goSprintf');

printf('bad operands :: Go\'s %!verb(type=value) forms', () => {
  assert.is(goSprintf('%d|%s|%t', ['x', 3, 'y']), '%!d(string=x)|%!s(int64=3)|%!t(string=y)');
  assert.is(goSprintf('%s %d', ['a']), 'a %!d(MISSING)');
  assert.is(goSprintf('%s', ['a', 2]), 'a%!(EXTRA int64=2)');
  assert.is(goSprintf('%v %s', [{ b: 1, a: 'x' }, ['p', 'q']]), 'map[a:x b:1] [p q]');
  assert.is(goSprintf('%e %.2f %+d % d', [1234.5, 2.345, 5, 7]), '1.234500e+03 2.35 +5  7');
});

printf.run();
