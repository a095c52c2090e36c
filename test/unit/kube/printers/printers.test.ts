// The printer factory and the simple printers, as kubectl get 1.33 behaves.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SockError } from '../../../../plugin/errors.ts';
import { TabWriter } from '../../../../plugin/kube/get/tabwriter.ts';
import {
  isHumanReadableOutput, listOf, newPrinter, printResult, WatchEvent, type PrinterSpec,
} from '../../../../plugin/kube/printers/index.ts';

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', managedFields: [{ manager: 'kubectl' }] }, status: { phase: 'Running' } };
const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };

function print(spec: PrinterSpec, objects: unknown[], single = false): string {
  let out = '';
  printResult(newPrinter(spec), objects, { write: (s: string) => (out += s) }, { singleItemImplied: single });
  return out;
}

const factory = suite('newPrinter');

const ALLOWED = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

factory('formats :: kubectl get\'s resolution order and case rules', () => {
  const formats: Array<[PrinterSpec, string]> = [
    [{ output: 'json' }, 'json'], [{ output: 'JSON' }, 'json'], [{ output: 'Yaml' }, 'yaml'], [{ output: 'NAME' }, 'name'],
    [{ output: 'jsonpath={.a}' }, 'jsonpath'], [{ output: 'jsonpath', template: '{.a}' }, 'jsonpath'],
    [{ output: 'jsonpath-as-json={.a}' }, 'jsonpath-as-json'], [{ output: 'go-template={{.a}}' }, 'go-template'],
    [{ output: 'template={{.a}}' }, 'template'], [{ output: '', template: '{{.a}}' }, 'go-template'],
    [{ output: 'custom-columns=A:.a' }, 'custom-columns'],
  ];
  for (const [spec, format] of formats) assert.is(newPrinter(spec).format, format, JSON.stringify(spec));
  assert.ok(isHumanReadableOutput(''));
  assert.ok(isHumanReadableOutput('wide'));
  assert.not.ok(isHumanReadableOutput('', '{{.a}}'));
});

factory('errors :: kubectl\'s messages', () => {
  const errors: Array<[PrinterSpec, string]> = [
    [{ output: 'yml' }, `unable to match a printer suitable for the output format "yml", allowed formats are: ${ALLOWED}`],
    [{ output: 'JSONPATH={.a}' }, `unable to match a printer suitable for the output format "JSONPATH={.a}", allowed formats are: ${ALLOWED}`],
    [{ output: 'jsonpath={.a}', template: '{.b}' }, `unable to match a printer suitable for the output format "jsonpath={.a}", allowed formats are: ${ALLOWED}`],
    [{ output: 'jsonpath' }, 'template format specified but no template given'],
    [{ output: 'go-template=' }, 'template format specified but no template given'],
    [{ output: 'custom-columns' }, 'custom-columns format specified but no custom columns given'],
    [{ output: 'custom-columns=A:.a,B' }, 'unexpected custom-columns spec: B, expected <header>:<json-path-expr>'],
    [{ output: 'custom-columns=A:{.a}}' }, "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"],
    [{ output: 'jsonpath={.x' }, 'error parsing jsonpath {.x, unclosed action'],
    [{ output: 'go-template={{.x}' }, "error parsing template {{.x}, template: output:1: bad character U+007D '}'"],
    [{ output: 'jsonpath-file=/no/such' }, 'error reading --template /no/such, open /no/such: no such file or directory'],
    [{ output: 'custom-columns-file=/no/such' }, 'error reading template /no/such, open /no/such: no such file or directory\n'],
  ];
  for (const [spec, message] of errors) {
    assert.throws(() => newPrinter(spec), (e: unknown) => e instanceof SockError && e.message === message, JSON.stringify(spec));
  }
});

factory('files :: read through the readFile seam, relative to cwd', () => {
  const files: Record<string, string> = { 'cols.txt': 'NAME   PHASE\n.metadata.name {.status.phase}\n', 't.jsonpath': '{.metadata.name}' };
  const readFile = (p: string) => files[p] ?? '';
  assert.is(print({ output: 'custom-columns-file=cols.txt', readFile }, [POD], true), 'NAME    PHASE\nweb-1   Running\n');
  assert.is(print({ output: 'jsonpath-file=t.jsonpath', readFile }, [POD], true), 'web-1');
});

factory.run();

const simple = suite('json, yaml and name printers');

simple('json :: List for several results, alone for one, managed fields stripped by default', () => {
  assert.is(print({ output: 'json' }, []), '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  assert.is(print({ output: 'json' }, [DEPLOY], true), '{\n    "apiVersion": "apps/v1",\n    "kind": "Deployment",\n    "metadata": {\n        "name": "web"\n    }\n}\n');
  assert.not.match(print({ output: 'json' }, [POD]), 'managedFields');
  assert.match(print({ output: 'json', showManagedFields: true }, [POD]), '"managedFields"');
});

simple('yaml :: a separator before every document after the first', () => {
  const printer = newPrinter({ output: 'yaml' });
  let out = '';
  const w = { write: (s: string) => (out += s) };
  printer.printObject(DEPLOY, w);
  printer.printObject(DEPLOY, w);
  assert.is(out, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
  assert.is(print({ output: 'yaml' }, []), 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
});

simple('watch events :: json on one line (type first, managed fields kept), yaml sorted, name unwrapped', () => {
  const ev = new WatchEvent('ADDED', POD);
  assert.is(print({ output: 'json' }, [ev], true),
    '{"type":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"managedFields":[{"manager":"kubectl"}],"name":"web-1"},"status":{"phase":"Running"}}}\n');
  assert.match(print({ output: 'yaml' }, [ev], true), /^object:\n {2}apiVersion: v1\n[\s\S]*\ntype: ADDED\n$/);
  assert.is(print({ output: 'name' }, [ev], true), 'pod/web-1\n');
  assert.is(print({ output: 'jsonpath={.type} {.object.metadata.name}' }, [ev], true), 'ADDED web-1');
});

simple('name :: kind[.group]/name, each item of a list, kubectl\'s errors', () => {
  assert.is(print({ output: 'name' }, [POD, DEPLOY]), 'pod/web-1\ndeployment.apps/web\n');
  assert.is(print({ output: 'name' }, [{ kind: 'Pod', apiVersion: 'v1', metadata: {} }], true), 'pod/<unknown>\n');
  assert.throws(() => print({ output: 'name' }, [{ metadata: { name: 'x' } }], true), /^missing apiVersion or kind; try/);
});

simple.run();

const columns = suite('custom-columns printer');

columns('layout :: tabwriter padding 3, <none>, joined values, escaped terminal characters', () => {
  const pods = [
    { ...POD, spec: { containers: [{ image: 'nginx' }, { image: 'busybox' }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a-much-longer-name\x1b[31m' }, spec: { containers: [] } },
  ];
  assert.is(print({ output: 'custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,PHASE:.status.phase' }, pods),
    'NAME                       IMAGES          PHASE\nweb-1                      nginx,busybox   Running\na-much-longer-name^[[31m   <none>          <none>\n');
  assert.is(print({ output: 'custom-columns=NAME:.metadata.name', noHeaders: true }, pods), 'web-1\na-much-longer-name^[[31m\n');
});

columns('shared tabwriter :: rows go to the writer kubectl hands over, header once per type', () => {
  let out = '';
  const tw = new TabWriter((s) => (out += s));
  const printer = newPrinter({ output: 'custom-columns=T:.type,N:.object.metadata.name' });
  printer.printObject(new WatchEvent('ADDED', POD), tw);
  tw.flush();
  printer.printObject(new WatchEvent('MODIFIED', POD), tw);
  tw.flush();
  assert.is(out, 'T       N\nADDED   web-1\nMODIFIED   web-1\n');
  assert.equal(listOf([1]), { apiVersion: 'v1', items: [1], kind: 'List', metadata: { resourceVersion: '' } });
});

columns.run();
