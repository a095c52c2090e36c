import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isLess, parseQuantityNanos, UnsortableError } from '../../../../plugin/kube/get/sort-compare.ts';
import { SortError, SortFatal, sortObjects, sortTable } from '../../../../plugin/kube/get/sorter.ts';
import type { Table } from '../../../../plugin/kube/get/table-types.ts';

const quantities: Array<[string, bigint | null]> = [
  ['0', 0n],
  ['1', 1_000_000_000n],
  ['100m', 100_000_000n],
  ['2Ki', 2048_000_000_000n],
  ['1.5G', 1_500_000_000_000_000_000n],
  ['1e3', 1000_000_000_000n],
  ['-2', -2_000_000_000n],
  ['1n', 1n],
  ['0.1n', 1n], // rounded up to the smallest unit, as resource.ParseQuantity does
  ['Ki', 0n], // an empty number is 0
  ['web-1', null],
  ['10.244.0.11', null],
  ['Pending', null],
  ['1mi', null],
  ['', null],
];
for (const [text, nanos] of quantities) {
  test(`parseQuantityNanos :: ${JSON.stringify(text)}`, () => assert.is(parseQuantityNanos(text), nanos));
}

const key = (value: unknown) => ({ value });

async function rejects(p: Promise<unknown>, check: (e: Error) => boolean): Promise<void> {
  try {
    await p;
  } catch (err) {
    assert.ok(check(err as Error), (err as Error).message);
    return;
  }
  assert.unreachable('expected a rejection');
}

test('isLess :: quantities compare by value, other strings bytewise (kubectl 1.33)', () => {
  assert.ok(isLess(key('900m'), key('1')));
  assert.ok(isLess(key('2'), key('10')));
  assert.ok(isLess(key('10.1.0.10'), key('10.1.0.2')), 'bytewise, not natural order');
  assert.ok(isLess(key('B'), key('a')));
});

test('isLess :: nil sorts first; numbers by kind; other types are unsortable', () => {
  assert.ok(isLess(key(null), key('a')));
  assert.not.ok(isLess(key('a'), key(null)));
  assert.not.ok(isLess(key(null), key(null)));
  assert.ok(isLess(key(1), key(2)));
  assert.ok(isLess(key(1.5), key(2.5)));
  assert.throws(() => isLess(key(1), key('a')), (e: Error) => e instanceof UnsortableError && e.message === 'unsortable interface: interface');
  assert.throws(() => isLess(key(1), key(1.5)), (e: Error) => e instanceof UnsortableError);
  assert.throws(() => isLess(key({}), key({})), (e: Error) => e.message === 'unsortable type: map[string]interface {}');
  assert.throws(() => isLess(key(true), key(false)), (e: Error) => e.message === 'unsortable type: bool');
});

function table(values: unknown[]): Table {
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [{ name: 'Name', type: 'string' }],
    rows: values.map((v, i) => ({ cells: [`r${i}`], object: { metadata: { name: `r${i}` }, spec: v === undefined ? {} : { v } } })),
  };
}
const names = (t: Table) => (t.rows ?? []).map((r) => r.cells?.[0]);

test('sortTable :: rows by a field; rows without it first', async () => {
  const t = table(['b', undefined, 'a', '10']);
  await sortTable(t, '.spec.v');
  assert.equal(names(t), ['r1', 'r3', 'r2', 'r0']);
});

test('sortTable :: no row has the field: kubectl\'s error', async () => {
  await rejects(sortTable(table(['a', 'b']), '{.spec.nope}'), (e: Error) => e instanceof SortError && e.message === 'couldn\'t find any field with path "{.spec.nope}" in the list of objects');
});

test('sortTable :: an unsortable field is klog.Exitf\'s fatal line', async () => {
  await rejects(sortTable(table([{ a: 1 }, { b: 2 }]), 'spec.v'), (e: Error) => e instanceof SortFatal && e.message === 'Field {.spec.v} in [][][]reflect.Value is an unsortable type: interface, err: unsortable type: map[string]interface {}');
});

test('sortObjects :: original positions, as RuntimeSort.OriginalPosition', async () => {
  const objs = [{ metadata: { name: 'c' } }, { metadata: { name: 'a' } }, { metadata: { name: 'b' } }];
  assert.equal(await sortObjects(objs, '{.metadata.name}'), [1, 2, 0]);
});

test('sortObjects :: a path kubectl cannot relax is its error', async () => {
  await rejects(sortObjects([{}], '{{'), (e: Error) => e instanceof SortError && e.message.startsWith('unexpected path string'));
});

test.run();
