import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logQuery, toPodLogParams, validateLogsOptions, type LogsOptions } from '../../../../plugin/kube/logs/options.ts';
import { formatQueryTime, parseRFC3339 } from '../../../../plugin/kube/logs/go-time.ts';

function options(over: Partial<LogsOptions> = {}): LogsOptions {
  const base: Omit<LogsOptions, 'params'> = {
    namespace: 'default', resourceArg: 'p', resources: ['p'], selector: '', container: '', containerGiven: false,
    allContainers: false, allPods: false, follow: false, previous: false, timestamps: false, ignoreErrors: false,
    insecureSkipTLSVerifyBackend: false, prefix: false, sinceTime: '', sinceMs: 0, tail: -1, tailGiven: false,
    limitBytes: 0, maxLogRequests: 5, podRunningTimeoutMs: 20_000, stream: '', ...over,
  };
  return { ...base, params: over.params ?? toPodLogParams(base) };
}

test('toPodLogParams :: --since rounds to the nearest second, halves away from zero', () => {
  const cases: Array<[number, number | undefined]> = [[0, undefined], [1500, 2], [1400, 1], [400, 0], [-400, 0], [-1500, -2], [3_600_000, 3600]];
  for (const [ms, want] of cases) assert.is(options({ sinceMs: ms }).params.sinceSeconds, want, `${ms} ms`);
});

test('toPodLogParams :: --since-time becomes UTC whole seconds', () => {
  assert.is(options({ sinceTime: '2024-08-30T06:00:00.999999999+02:00' }).params.sinceTime, '2024-08-30T04:00:00Z');
  assert.is(options({ sinceTime: '2024-08-30T06:00:00Z' }).params.sinceTime, '2024-08-30T06:00:00Z');
  assert.throws(() => options({ sinceTime: 'yesterday' }), /parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"/);
});

test('toPodLogParams :: -l means tail 10 unless --tail was given; -1 means no tail', () => {
  assert.is(options({ selector: 'a=b' }).params.tailLines, 10);
  assert.is(options({ selector: 'a=b', tail: -1, tailGiven: true }).params.tailLines, undefined);
  assert.is(options({ selector: 'a=b', tail: 3, tailGiven: true }).params.tailLines, 3);
  assert.is(options({ tail: 0, tailGiven: true }).params.tailLines, 0);
  assert.is(options({}).params.tailLines, undefined);
  assert.is(options({ limitBytes: 0 }).params.limitBytes, undefined);
  assert.is(options({ limitBytes: 5 }).params.limitBytes, 5);
});

test('validateLogsOptions :: kubectl\'s messages, in kubectl\'s order', () => {
  const fails = (o: Partial<LogsOptions>, message: string) => assert.throws(() => validateLogsOptions(options(o)), (e: Error) => e.message === message, message);
  fails({ sinceTime: '2024-01-01T00:00:00Z', sinceMs: 1000, limitBytes: -1 }, 'at most one of `sinceTime` or `sinceSeconds` may be specified');
  fails({ allContainers: true, container: 'app' }, '--all-containers=true should not be specified with container name app');
  fails({ containerGiven: true, resources: ['p', 'c'], container: 'c' }, 'only one of -c or an inline [CONTAINER] arg is allowed');
  fails({ limitBytes: -1 }, '--limit-bytes must be greater than 0');
  fails({ sinceMs: -1000 }, '--since must be greater than 0');
  fails({ tail: -2, tailGiven: true }, '--tail must be greater than or equal to -1');
  fails({ stream: 'stdout' }, 'invalid argument "stdout" for --stream: must be one of All, Stdout, Stderr');
  validateLogsOptions(options({ sinceMs: -400, tail: -1, stream: 'Stderr' }));
});

test('logQuery :: PodLogOptions as queryparams.Convert sends it: zero values omitted, keys sorted', () => {
  const q = logQuery({
    container: 'app', follow: true, previous: true, timestamps: true, insecureSkipTLSVerifyBackend: true,
    sinceSeconds: 2, tailLines: 0, limitBytes: 100, stream: 'Stderr',
  });
  assert.is(new URLSearchParams(q).toString(), 'container=app&follow=true&insecureSkipTLSVerifyBackend=true&limitBytes=100&previous=true&sinceSeconds=2&stream=Stderr&tailLines=0&timestamps=true');
  assert.equal(logQuery({ container: '', follow: false, previous: false, timestamps: false, insecureSkipTLSVerifyBackend: false }), {});
  assert.is(new URLSearchParams(logQuery({ container: 'c', follow: false, previous: false, timestamps: false, insecureSkipTLSVerifyBackend: false, sinceTime: '2024-01-01T00:00:00Z' })).toString(), 'container=c&sinceTime=2024-01-01T00%3A00%3A00Z');
});

test('parseRFC3339 :: what Go accepts', () => {
  assert.is(parseRFC3339('2024-02-29T23:59:59Z'), Date.UTC(2024, 1, 29, 23, 59, 59));
  assert.is(parseRFC3339('2024-01-02T03:04:05.123456789-01:30'), Date.UTC(2024, 0, 2, 4, 34, 5, 123));
  assert.is(parseRFC3339('2024-01-02T3:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5), 'a one-digit hour is accepted, as Go does');
  assert.is(parseRFC3339('0001-01-01T00:00:00Z'), new Date('0001-01-01T00:00:00Z').getTime());
  assert.is(formatQueryTime(Date.UTC(2024, 0, 2, 3, 4, 5, 999)), '2024-01-02T03:04:05Z');
  assert.is(formatQueryTime(parseRFC3339('0001-01-01T00:00:00Z')), '', 'Go\'s zero time marshals to an empty parameter');
  assert.is(formatQueryTime(Date.UTC(1969, 11, 31, 23, 59, 59, 500)), '1969-12-31T23:59:59Z');
});

test('parseRFC3339 :: Go\'s error texts (as kubectl 1.33 prints them)', () => {
  const cases: Array<[string, string]> = [
    ['yesterday', 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    ['2024-13-01T00:00:00Z', 'parsing time "2024-13-01T00:00:00Z": month out of range'],
    ['2024-02-30T00:00:00Z', 'parsing time "2024-02-30T00:00:00Z": day out of range'],
    ['2024-02-03', 'parsing time "2024-02-03" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'],
    ['2024-02-03T10:00:00', 'parsing time "2024-02-03T10:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"'],
    ['2024-02-03T10:00:00+0100', 'parsing time "2024-02-03T10:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00"'],
    ['2024-02-03T25:00:00Z', 'parsing time "2024-02-03T25:00:00Z": hour out of range'],
    ['2024-02-03T10:00:00Zjunk', 'parsing time "2024-02-03T10:00:00Zjunk": extra text: "junk"'],
  ];
  for (const [input, message] of cases) assert.throws(() => parseRFC3339(input), (e: Error) => e.message === message, input);
});

test.run();
