// Property tests of -o custom-columns: any spec or template file parses to
// columns or is a SockError; a spec built from headers and paths parses back
// to them; RelaxedJSONPathExpression is idempotent; printing any object never
// throws anything but a SockError. (No kubectl oracle here: the offline
// commands, annotate/label --local, have no custom-columns printer.)
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SockError } from '../../../../plugin/errors.ts';
import { columnsFromSpec, columnsFromTemplate, CustomColumnsPrinter, relaxedJsonPath } from '../../../../plugin/kube/printers/custom-columns.ts';
import { parseKubeJson } from '../../../../plugin/kube/printers/go-value.ts';
import { nastyString, runs, tried, typedOnly } from '../../../helpers/properties.ts';

const path = fc.array(fc.oneof(
  fc.constantFrom('a', 'b', 'metadata', 'name', 'kind', 'x', 'é').map((k) => `.${k}`),
  fc.constantFrom('[0]', '[*]', '[-1]', '[1:]', '.*', '..name', "['a']", '[?(@.a)]', '[?(@.a=="x")]', '[0,1]', '{', '}', '[', ''),
), { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
const header = fc.oneof(fc.constantFrom('NAME', 'KIND', 'A', '', 'x y', 'É', '\t'), nastyString(3).map((s) => s.replace(/[,:]/g, '')));
const spec = fc.array(fc.tuple(header, fc.oneof(path, path.map((p) => p.replace(/^\./, '')), path.map((p) => `{${p}}`))), { minLength: 1, maxLength: 4 })
  .map((cols) => cols.map(([h, p]) => `${h}:${p}`).join(','));

const KEYS = ['a', 'b', 'name', 'x', 'é'];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.oneof(fc.integer(), fc.constantFrom(1.5, 1e6, null, true), nastyString(3).map((s) => s.replace(/[\ud800-\udfff]/g, ''))),
    fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 })),
})).v;
const object = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }).map((c) => ({
  ...c, apiVersion: 'x.example/v1', kind: 'Zork', metadata: { name: 'x', annotations: { x: 'y' } },
}));

test('columnsFromSpec / columnsFromTemplate :: any text gives columns or a SockError', () => {
  fc.assert(fc.property(fc.oneof(spec, nastyString(16)), (text) => {
    tried('custom-columns spec');
    typedOnly(() => columnsFromSpec(text));
    tried('custom-columns spec');
    typedOnly(() => columnsFromTemplate(text));
  }), runs(1000));
});

test('columnsFromSpec :: headers and relaxed paths come back from the spec they were joined into', () => {
  const word = fc.stringMatching(/^[A-Za-z][\w.-]{0,8}$/);
  fc.assert(fc.property(fc.array(fc.tuple(word, fc.array(fc.stringMatching(/^[a-z]\w{0,5}$/), { minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 5 }), (cols) => {
    tried('custom-columns spec');
    const parsed = columnsFromSpec(cols.map(([h, p]) => `${h}:.${p.join('.')}`).join(','));
    assert.equal(parsed, cols.map(([h, p]) => ({ header: h, fieldSpec: `{.${p.join('.')}}` })));
    const template = columnsFromTemplate(`${cols.map(([h]) => h).join(' ')}\n${cols.map(([, p]) => p.join('.')).join('\t')}\n`);
    assert.equal(template, parsed);
  }), runs(500));
});

test('relaxedJsonPath :: idempotent', () => {
  fc.assert(fc.property(fc.oneof(path, nastyString(8)), (p) => {
    tried('custom-columns spec');
    const once = typedOnly(() => relaxedJsonPath(p));
    if (once instanceof Error) return;
    assert.is(relaxedJsonPath(once), once);
  }), runs(800));
});

test('CustomColumnsPrinter :: printing any object prints or is a SockError', () => {
  fc.assert(fc.property(spec, fc.oneof(object, fc.record({ kind: fc.constant('List'), apiVersion: fc.constant('v1'), items: fc.array(object, { maxLength: 3 }) })), (s, obj) => {
    tried('custom-columns print');
    const columns = typedOnly(() => columnsFromSpec(s));
    if (columns instanceof Error) return;
    let out = '';
    const r = typedOnly(() => new CustomColumnsPrinter(columns, false).printObject(parseKubeJson(JSON.stringify(obj)), { write: (t: string) => (out += t) }));
    if (r instanceof Error) assert.instance(r, SockError);
    else assert.ok(out.endsWith('\n'), out);
  }), runs(600));
});

test.run();
