import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFlags, type FlagDef } from '../../../plugin/cli/flags.ts';
import { parseGoDuration, parseRequestTimeout, formatGoDuration } from '../../../plugin/cli/duration.ts';

const defs: FlagDef[] = [
  { name: 'namespace', short: 'n', kind: 'string', usage: '' },
  { name: 'all-namespaces', short: 'A', kind: 'bool', usage: '' },
  { name: 'watch', short: 'w', kind: 'bool', usage: '' },
  { name: 'v', short: 'v', kind: 'int', usage: '' },
  { name: 'as-group', kind: 'stringArray', usage: '' },
  { name: 'label-columns', short: 'L', kind: 'stringSlice', usage: '' },
  { name: 'since', kind: 'duration', usage: '' },
  { name: 'insecure-skip-tls-verify', kind: 'bool', usage: '' },
];

function parse(argv: string[]) {
  const p = parseFlags(argv, defs);
  return { args: p.positionals, flags: Object.fromEntries(p.values), dashAt: p.dashAt };
}

test('parseFlags :: values are never coerced to numbers', () => {
  assert.equal(parse(['get', '-n', '0123']).flags, { namespace: '0123' });
});

test('parseFlags :: -nvalue and -n=value, as pflag', () => {
  assert.equal(parse(['-nkube-system']).flags, { namespace: 'kube-system' });
  assert.equal(parse(['-n=kube-system']).flags, { namespace: 'kube-system' });
  assert.equal(parse(['--namespace=x', 'get']).flags, { namespace: 'x' });
});

test('parseFlags :: interspersed positionals and grouped bool shorthands', () => {
  const p = parse(['get', '-Aw', 'pods', '-v', '6']);
  assert.equal(p.args, ['get', 'pods']);
  assert.equal(p.flags, { 'all-namespaces': true, watch: true, v: 6 });
});

test('parseFlags :: bool flags take =false but never a separate value', () => {
  assert.equal(parse(['--insecure-skip-tls-verify=false', 'x']).flags, { 'insecure-skip-tls-verify': false });
  assert.equal(parse(['--insecure-skip-tls-verify', 'false']).args, ['false']);
});

test('parseFlags :: a value may start with a dash', () => {
  assert.equal(parse(['-n', '-x']).flags, { namespace: '-x' });
});

test('parseFlags :: repeated arrays accumulate; slices split on commas', () => {
  assert.equal(parse(['--as-group', 'a', '--as-group=b,c', '-L', 'x,y', '-L', 'z']).flags, {
    'as-group': ['a', 'b,c'],
    'label-columns': ['x', 'y', 'z'],
  });
});

test('parseFlags :: -- ends flags', () => {
  const p = parse(['exec', 'pod', '--', 'sh', '-c', 'ls']);
  assert.equal(p.args, ['exec', 'pod', 'sh', '-c', 'ls']);
  assert.is(p.dashAt, 2);
});

const errors: [string[], string][] = [
  [['--bogus'], 'unknown flag: --bogus'],
  [['-z'], "unknown shorthand flag: 'z' in -z"],
  [['-Az'], "unknown shorthand flag: 'z' in -Az"],
  [['-n'], "flag needs an argument: 'n' in -n"],
  [['--namespace'], 'flag needs an argument: --namespace'],
  [['-v', 'x'], 'invalid argument "x" for "-v, --v" flag: strconv.ParseInt: parsing "x": invalid syntax'],
  [['--watch=maybe'], 'invalid argument "maybe" for "-w, --watch" flag: strconv.ParseBool: parsing "maybe": invalid syntax'],
  [['--since=5x'], 'invalid argument "5x" for "--since" flag: time: unknown unit "x" in duration "5x"'],
];
for (const [argv, message] of errors) {
  test(`parseFlags :: ${argv.join(' ')} fails as pflag does`, () => {
    assert.throws(() => parseFlags(argv, defs), (e: Error) => e.message === message);
  });
}

test('parseFlags :: lenient mode still finds the positionals past a wrong flag', () => {
  assert.equal(parseFlags(['get', '--bogus', 'pods', '-n', 'x'], defs, true).positionals, ['get', 'pods']);
  assert.equal(parseFlags(['-v', 'x', 'logs', '-z'], defs, true).positionals, ['logs']);
  assert.equal(parseFlags(['--namespace'], defs, true).positionals, []);
});

test('parseGoDuration :: Go syntax', () => {
  assert.is(parseGoDuration('1h2m3.5s'), 3_723_500);
  assert.is(parseGoDuration('1500ms'), 1500);
  assert.is(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('5'), /missing unit in duration "5"/);
  assert.throws(() => parseGoDuration('x'), /time: invalid duration "x"/);
});

test('parseRequestTimeout :: bare integers are seconds', () => {
  assert.is(parseRequestTimeout('5'), 5000);
  assert.is(parseRequestTimeout('2m'), 120_000);
  assert.throws(() => parseRequestTimeout('abc'), /^Invalid timeout value\. Timeout must be a single integer in seconds/);
});

test('formatGoDuration :: Go Duration.String', () => {
  assert.is(formatGoDuration(32_000), '32s');
  assert.is(formatGoDuration(60_000), '1m0s');
  assert.is(formatGoDuration(3_723_000), '1h2m3s');
  assert.is(formatGoDuration(500), '500ms');
});

test.run();
