import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HumanPrinter, type PrintOptions } from '../../../../plugin/kube/get/human-printer.ts';
import { TabWriter } from '../../../../plugin/kube/get/tabwriter.ts';
import type { Table } from '../../../../plugin/kube/get/table-types.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const base: PrintOptions = { noHeaders: false, wide: false, withNamespace: false, withKind: false, kind: 'Pod', columnLabels: [], showLabels: false };

const podTable = (rows: Array<[string, string, Record<string, string>?]>, withColumns = true): Table => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  columnDefinitions: withColumns
    ? [{ name: 'Name', type: 'string', format: 'name' }, { name: 'Status', type: 'string' }, { name: 'Restarts', type: 'integer' }, { name: 'IP', type: 'string', priority: 1 }]
    : null,
  rows: rows.map(([name, status, labels]) => ({ cells: [name, status, 3, '10.0.0.1'], object: { metadata: { name, namespace: 'ns', labels } } })),
});

function render(o: Partial<PrintOptions>, ...objects: Array<[Record<string, unknown>, string?]>): string {
  let out = '';
  const w = new TabWriter((s) => (out += s));
  const p = new HumanPrinter({ ...base, ...o }, () => NOW);
  for (const [obj, ev] of objects) {
    p.print(obj, w, ev);
    w.flush();
  }
  return out;
}

test('print :: headers upper-cased, priority columns hidden, numbers formatted', () => {
  assert.is(render({}, [podTable([['a', 'Running']])]), 'NAME   STATUS    RESTARTS\na      Running   3\n');
});

test('print :: -o wide shows priority columns', () => {
  assert.is(render({ wide: true }, [podTable([['a', 'Running']])]), 'NAME   STATUS    RESTARTS   IP\na      Running   3          10.0.0.1\n');
});

test('print :: -A, -L, --show-labels and kind/ decorate the table', () => {
  const t = podTable([['web', 'Running', { app: 'web', 'example.com/tier': 'front' }]]);
  assert.is(
    render({ withNamespace: true, withKind: true, kind: 'Deployment.apps', columnLabels: ['app', 'example.com/tier', 'none'], showLabels: true }, [t]),
    'NAMESPACE   NAME                  STATUS    RESTARTS   APP   TIER    NONE   LABELS\n' +
      'ns          deployment.apps/web   Running   3          web   front          app=web,example.com/tier=front\n',
  );
});

test('print :: headers once per set of columns; a table without columns reuses the last', () => {
  assert.is(render({}, [podTable([['a', 'Running']])], [podTable([['bb', 'Failed']], false)]), 'NAME   STATUS    RESTARTS\na      Running   3\nbb     Failed    3\n');
});

test('print :: no rows, no header', () => {
  assert.is(render({}, [podTable([])]), '');
});

test('print :: --output-watch-events adds the padded EVENT column', () => {
  assert.is(render({}, [podTable([['a', 'Running']]), 'ADDED'], [podTable([['a', 'Failed']], false), 'MODIFIED']),
    'EVENT      NAME   STATUS    RESTARTS\nADDED      a      Running   3\nMODIFIED   a      Failed    3\n');
});

test('print :: a cell is cut at a line break and terminal escapes are made visible', () => {
  const t = podTable([['a', 'line one\nline two']]);
  (t.rows?.[0]?.cells as unknown[])[2] = 'x\x1by';
  assert.is(render({}, [t]), 'NAME   STATUS        RESTARTS\na      line one...   x^[y\n');
});

test('print :: no Table from the server: NAME and AGE computed locally', () => {
  const list = {
    kind: 'PodList', apiVersion: 'v1',
    items: [{ metadata: { name: 'x', namespace: 'ns', creationTimestamp: '2025-05-31T21:00:00Z', labels: { a: 'b' } } }, { metadata: { name: 'y' } }],
  };
  assert.is(render({ withNamespace: true, showLabels: true }, [list]), 'NAMESPACE   NAME   AGE         LABELS\nns          x      3h          a=b\n            y      <unknown>   <none>\n');
});

test.run();
