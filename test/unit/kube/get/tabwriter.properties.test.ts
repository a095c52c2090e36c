// Property tests of kubectl's tabwriter: any writes lay out without throwing;
// a table of plain ASCII cells matches a naive column aligner (widest cell +
// 3, at least 6, last cell unpadded); splitting the text into arbitrary write
// calls changes nothing; writeCells equals write of the joined line; and the
// padded output splits back into the cells written.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TabWriter } from '../../../../plugin/kube/get/tabwriter.ts';
import { cut, nastyString, runs, tried } from '../../../helpers/properties.ts';

function layout(writes: string[], cells?: string[][]): string {
  tried('tabwriter');
  let out = '';
  const w = new TabWriter((s) => (out += s));
  for (const s of writes) w.write(s);
  for (const c of cells ?? []) w.writeCells(c);
  w.flush();
  return out;
}

/** The naive aligner: every line has the same cells, so each column is as wide as its widest cell plus padding. */
function naiveTable(rows: string[][]): string {
  const n = rows[0]?.length ?? 0;
  const widths = Array.from({ length: n }, (_, c) => Math.max(6, ...rows.map((r) => (r[c] as string).length + 3)));
  return rows.map((r) => r.map((cell, c) => (c < n - 1 ? cell.padEnd(widths[c] as number) : cell)).join('')).join('\n') + '\n';
}

const asciiCell = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_./:()'), maxLength: 14 });
const table = fc.integer({ min: 2, max: 6 }).chain((n) => fc.array(fc.array(asciiCell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 12 }));

test('TabWriter :: any text and flushes lay out without throwing', () => {
  const text = fc.oneof(nastyString(16), fc.array(fc.constantFrom('\t', '\n', '\v', '\f', 'a', 'é', '😀', '\ud800', '\r', ''), { maxLength: 30 }).map((p) => p.join('')));
  fc.assert(fc.property(fc.array(text, { maxLength: 6 }), (writes) => {
    layout(writes);
  }), runs(1500));
});

test('TabWriter :: a plain ASCII table matches a naive column aligner', () => {
  fc.assert(fc.property(table, (rows) => {
    assert.is(layout(rows.map((r) => `${r.join('\t')}\n`)), naiveTable(rows));
  }), runs(600));
});

test('TabWriter :: the same text cut into any write calls lays out the same', () => {
  const text = fc.array(fc.constantFrom('\t', '\n', '\n', 'ab', 'NAME', 'é', '😀', '\v', '\f', ' '), { maxLength: 40 }).map((p) => p.join(''));
  fc.assert(fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, points) => {
    assert.is(layout(cut(t, points)), layout([t]));
  }), runs(800));
});

test('TabWriter :: writeCells lays out as write of the joined line', () => {
  const cell = fc.oneof(asciiCell, fc.constantFrom('', 'a\tb', 'x\ny', 'é😀', '\v'));
  fc.assert(fc.property(fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 8 }), (rows) => {
    assert.is(layout([], rows), layout(rows.map((r) => `${r.join('\t')}\n`)));
  }), runs(600));
});

test('TabWriter :: the padded output splits back into the cells (parse → print → parse)', () => {
  const word = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_./'), minLength: 1, maxLength: 12 });
  const rows = fc.integer({ min: 1, max: 5 }).chain((n) => fc.array(fc.array(word, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 10 }));
  fc.assert(fc.property(rows, (r) => {
    const lines = layout(r.map((cells) => `${cells.join('\t')}\n`)).split('\n').slice(0, -1);
    assert.equal(lines.map((l) => l.split(/ +/)), r);
  }), runs(500));
});

test.run();
