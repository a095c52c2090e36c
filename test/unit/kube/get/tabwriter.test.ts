import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runeWidth, TabWriter } from '../../../../plugin/kube/get/tabwriter.ts';

// Goldens produced by github.com/liggitt/tabwriter v0.0.0-20181228230101-89fcab3d43de
// (the version kubectl 1.33 vendors) with kubectl's settings: minwidth 6, tabwidth 4,
// padding 3, pad ' ', RememberWidths. "FLUSH" calls Flush; "RESET" calls SetRememberedWidths(nil).
const goldens: Array<[string[], string]> = [
  [["NAME\tREADY\tSTATUS\n","a\t1/1\tRunning\n","a-longer-name\t0/1\tPending\n"], "NAME            READY   STATUS\na               1/1     Running\na-longer-name   0/1     Pending\n"],
  [["A\tB\tC\n","x\t\tz\n","\t\t\n"], "A     B     C\nx           z\n            \n"],
  [["one\n","two\tthree\n","four\tfive\tsix\n","x\n","y\tz\n"], "one\ntwo    three\nfour   five   six\nx\ny      z\n"],
  [["NAME\tAGE\n","short\t1d\n","ünïcödé-näme\t2d\n","emoji-😀\t3d\n"], "NAME           AGE\nshort          1d\nünïcödé-näme   2d\nemoji-😀        3d\n"],
  [["H1\tH2\n","aa\tb\n","FLUSH","a-much-longer-cell\tb\n","FLUSH","c\td\n"], "H1    H2\naa    b\na-much-longer-cell   b\nc                    d\n"],
  [["H1\tH2\n","a-much-longer-cell\tb\n","FLUSH","RESET","X\tY\n","c\td\n"], "H1                   H2\na-much-longer-cell   b\nX     Y\nc     d\n"],
  [["partial\tline","\tend\n","no newline at end\tx"], "partial             line   end\nno newline at end   x"],
  [["a\tb\tc\td\te\tf\n","aaaaaaaaaaaa\tbb\tc\n","a\tbbbbbbbbbbbbbbb\tc\td\n"], "a              b                 c     d     e     f\naaaaaaaaaaaa   bb                c\na              bbbbbbbbbbbbbbb   c     d\n"],
  [["tab\there\fform\tfeed\n","x\ty\n"], "tab   here\nform   feed\nx      y\n"],
  [["v\u000btab\tcells\n","x\ty\tz\n"], "v     tab   cells\nx     y     z\n"],
];

for (const [i, [writes, expected]] of goldens.entries()) {
  test(`TabWriter :: golden ${i + 1} matches liggitt/tabwriter`, () => {
    let out = '';
    const w = new TabWriter((s) => (out += s));
    for (const s of writes) {
      if (s === 'FLUSH') w.flush();
      else if (s === 'RESET') w.setRememberedWidths([]);
      else w.write(s);
    }
    w.flush();
    assert.is(out, expected);
  });
}

test('TabWriter :: a line with one cell flushes what came before it', () => {
  let out = '';
  const w = new TabWriter((s) => (out += s));
  w.write('a\tb\n');
  assert.is(out, '');
  w.write('single\n');
  assert.is(out, 'a     b\nsingle\n');
});

test('TabWriter :: large tables are handed on in pieces, in order', () => {
  const pieces: string[] = [];
  const w = new TabWriter((s) => pieces.push(s));
  let expected = '';
  for (let i = 0; i < 5000; i++) {
    w.write(`name-${i}\t${i}\n`);
    expected += `name-${i}`.padEnd(12) + `${i}\n`;
  }
  w.flush();
  assert.ok(pieces.length > 1, 'more than one write');
  assert.is(pieces.join(''), expected);
});

test('TabWriter :: writeCells lays out exactly as write of the joined line', () => {
  const rows = [['NAME', 'READY', 'AGE'], ['a', '1/1', '3d'], ['with\ttab', 'x', 'y'], ['', '', ''], ['single'], ['b', 'c', 'd']];
  let viaWrite = '';
  let viaCells = '';
  const a = new TabWriter((s) => (viaWrite += s));
  const b = new TabWriter((s) => (viaCells += s));
  for (const r of rows) {
    a.write(`${r.join('\t')}\n`);
    b.writeCells([...r]);
  }
  a.flush();
  b.flush();
  assert.is(viaCells, viaWrite);
});

test('runeWidth :: counts code points, as Go counts runes', () => {
  assert.is(runeWidth('abc'), 3);
  assert.is(runeWidth('ünï'), 3);
  assert.is(runeWidth('😀x'), 2);
});

test.run();
