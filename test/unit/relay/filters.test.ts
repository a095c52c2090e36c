// kubectl proxy's FilterServer, Go's ServeMux path rules and --read-only, as pure functions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS,
  cleanPath, compileFilter, extractHost, goRegexp, makeRegexpArray, readOnlyRefusal, splitHostPort, underPrefix,
  type FilterSpec,
} from '../../../plugin/relay/filters.ts';
import { parseTarget } from '../../../plugin/relay/request-target.ts';
import { readings } from '../../../plugin/relay/routed-path.ts';
import { ConfigError } from '../../../plugin/errors.ts';

const defaults: FilterSpec = {
  acceptPaths: DEFAULT_ACCEPT_PATHS,
  rejectPaths: DEFAULT_REJECT_PATHS,
  acceptHosts: DEFAULT_ACCEPT_HOSTS,
  rejectMethods: DEFAULT_REJECT_METHODS,
};

// Expectations from kubectl's pkg/proxy/proxy_server_test.go TestAccept, plus the defaults' intent.
const acceptCases: [method: string, path: string, host: string, accepted: boolean][] = [
  ['GET', '/api/v1/pods', 'localhost', true],
  ['GET', '/api/v1/namespaces/default/pods/foo/log', 'localhost', true],
  ['GET', '/api/v1/namespaces/default/pods/foo/exec', 'localhost', false],
  ['POST', '/api/v1/namespaces/default/pods/foo/exec', 'localhost', false],
  ['GET', '/api/v1/namespaces/default/pods/foo/attach', '127.0.0.1', false],
  ['POST', '/api/v1/namespaces/default/pods/foo/portforward', 'localhost', true],
  ['GET', '/apis/apps/v1/deployments', '[::1]', true],
  ['GET', '/api/v1/pods', 'kube.sock', false],
  ['GET', '/api/v1/pods', 'evil.com', false],
  ['GET', '/api/v1/pods', 'localhost.evil.com', false],
  ['GET', '/api/v1/pods', '127.0.0.1.evil.com', false],
  ['GET', '/api/v1/pods', '', false],
  ['DELETE', '/api/v1/namespaces/default/pods/foo', 'localhost', true],
  // A dot segment must not hide /api/… from the reject rule.
  ['GET', '/x/../api/v1/namespaces/default/pods/foo/exec', 'localhost', false],
];

const filter = compileFilter(defaults);
for (const [method, path, host, accepted] of acceptCases) {
  test(`compileFilter defaults :: ${method} ${path} Host=${JSON.stringify(host)} → ${accepted ? 'accept' : 'reject'}`, () => {
    assert.is(filter.accepts(method, path, host), accepted);
  });
}

test('compileFilter :: --reject-methods=POST,PUT rejects those and nothing else', () => {
  const f = compileFilter({ ...defaults, rejectMethods: 'POST,PUT' });
  assert.is(f.accepts('POST', '/api/v1/pods', 'localhost'), false);
  assert.is(f.accepts('PUT', '/api/v1/pods', 'localhost'), false);
  assert.is(f.accepts('GET', '/api/v1/pods', 'localhost'), true);
  assert.is(f.accepts('PATCH', '/api/v1/pods', 'localhost'), true);
});

test('compileFilter :: unanchored expressions match anywhere, as Go MatchString', () => {
  const f = compileFilter({ ...defaults, rejectMethods: 'OS' });
  assert.is(f.accepts('POST', '/api', 'localhost'), false);
});

test('compileFilter :: an empty --accept-paths accepts nothing (MakeRegexpArray gives no expression)', () => {
  const f = compileFilter({ ...defaults, acceptPaths: '' });
  assert.is(f.accepts('GET', '/api/v1/pods', 'localhost'), false);
});

test('compileFilter :: an empty --reject-paths lets exec through', () => {
  const f = compileFilter({ ...defaults, rejectPaths: '' });
  assert.is(f.accepts('POST', '/api/v1/namespaces/d/pods/p/exec', 'localhost'), true);
});

test('compileFilter :: --accept-paths restricts; reject wins over accept', () => {
  const f = compileFilter({ ...defaults, acceptPaths: '^/api/v1/namespaces/team-a/', rejectPaths: '/secrets' });
  assert.is(f.accepts('GET', '/api/v1/namespaces/team-a/pods', 'localhost'), true);
  assert.is(f.accepts('GET', '/api/v1/namespaces/team-b/pods', 'localhost'), false);
  assert.is(f.accepts('GET', '/api/v1/namespaces/team-a/secrets', 'localhost'), false);
});

test('compileFilter :: --accept-hosts=^.*$ accepts any Host', () => {
  const f = compileFilter({ ...defaults, acceptHosts: '^.*$' });
  assert.is(f.accepts('GET', '/version', 'kube.sock'), true);
  assert.is(f.accepts('GET', '/version', ''), true);
});

test('makeRegexpArray :: a bad expression names the flag', () => {
  assert.throws(() => makeRegexpArray('^ok$,(', 'accept-paths'), (e: unknown) => e instanceof ConfigError && /^Error compiling re: --accept-paths: /.test(e.message));
});

test('goRegexp :: Go inline flags and \\A \\z', () => {
  assert.ok(goRegexp('(?i)^LOCALHOST$').test('localhost'));
  assert.ok(goRegexp('\\Alocalhost\\z').test('localhost'));
  assert.not.ok(goRegexp('\\Alocalhost\\z').test('xlocalhost'));
  assert.ok(goRegexp('a\\\\z').test('a\\z'));
});

// Go's net.SplitHostPort results (host, or undefined for an error).
const splitCases: [string, string | undefined][] = [
  ['localhost:8001', 'localhost'],
  ['localhost', undefined],
  ['localhost:', 'localhost'],
  ['127.0.0.1:80', '127.0.0.1'],
  ['[::1]:80', '::1'],
  ['[::1]', undefined],
  ['::1', undefined],
  ['[::1]x:80', undefined],
  ['a:b:80', undefined],
  ['[a]b]:80', undefined],
];
for (const [input, host] of splitCases) {
  test(`splitHostPort :: ${input}`, () => {
    assert.is(splitHostPort(input), host);
  });
}

test('extractHost :: kubectl keeps the header when it has no valid port', () => {
  assert.is(extractHost('localhost:8001'), 'localhost');
  assert.is(extractHost('[::1]'), '[::1]');
  assert.is(extractHost('[::1]:8001'), '::1');
  assert.is(extractHost('kube.sock'), 'kube.sock');
});

// net/http cleanPath.
const cleanCases: [string, string][] = [
  ['', '/'],
  ['/', '/'],
  ['/api/v1', '/api/v1'],
  ['/api/v1/', '/api/v1/'],
  ['//version', '/version'],
  ['/foo/../api', '/api'],
  ['/a/./b/', '/a/b/'],
  ['/..', '/'],
  ['/a/b/..', '/a'],
  ['/a/b/../', '/a/'],
  ['api', '/api'],
];
for (const [input, want] of cleanCases) {
  test(`cleanPath :: ${JSON.stringify(input)} → ${want}`, () => {
    assert.is(cleanPath(input), want);
  });
}

test('underPrefix :: / serves everything unchanged', () => {
  const t = parseTarget('/api/v1/pods?x=1');
  assert.equal(t && underPrefix(t, '/'), t);
});

test('underPrefix :: /custom/ is stripped, leaving the slash (stripLeaveSlash)', () => {
  const t = parseTarget('/custom/api/v1/pods?x=1');
  // Go strips url.Path and leaves RawPath, so the stripped path goes out in Go's own escaping.
  assert.equal(t && underPrefix(t, '/custom/'), { rawPath: '/custom/api/v1/pods', path: '/api/v1/pods', bytes: '/api/v1/pods', rawQuery: 'x=1' });
  const outside = parseTarget('/api/v1/pods');
  assert.is(outside && underPrefix(outside, '/custom/'), undefined);
  const bare = parseTarget('/custom');
  assert.is(bare && underPrefix(bare, '/custom/'), 'redirect');
});

test('underPrefix :: a prefix starting with /api is not stripped (kubectl NewProxyHandler)', () => {
  const t = parseTarget('/api/v1/pods');
  assert.equal(t && underPrefix(t, '/api/'), t);
});

const readOnlyCases: [method: string, path: string, upgrade: boolean, refused: boolean][] = [
  ['GET', '/api/v1/namespaces/default/pods', false, false],
  ['GET', '/api/v1/namespaces/default/pods?watch=true', false, false],
  ['HEAD', '/version', false, false],
  ['GET', '/api/v1/namespaces/default/pods/p/log', false, false],
  ['GET', '/api/v1/namespaces/default/configmaps/proxy', false, false],
  ['GET', '/apis/apps/v1/namespaces/default/deployments/exec', false, false],
  ['DELETE', '/api/v1/namespaces/default/pods/p', false, true],
  ['POST', '/api/v1/namespaces/default/pods', false, true],
  ['PATCH', '/api/v1/namespaces/default/pods/p', false, true],
  ['GET', '/api/v1/namespaces/default/pods/p/exec', true, true],
  ['GET', '/api/v1/namespaces/default/pods/p/exec?command=sh', false, true],
  ['GET', '/api/v1/namespaces/default/pods/p/attach', false, true],
  ['GET', '/api/v1/namespaces/default/pods/p/portforward', false, true],
  ['GET', '/api/v1/namespaces/default/services/s/proxy/admin', false, true],
  ['GET', '/api/v1/nodes/n1/proxy/metrics', false, true],
  // (Dot segments never get this far: admission refuses them first; admission.properties.test.ts.)
  ['GET', '/api/v1/namespaces/default/pods/p/exec;x=1', false, true],
  ['GET', '/api/v1/namespaces/default/pods/p/exec#x', false, true],
  ['GET', '/k8s/clusters/c-1/api/v1/namespaces/default/pods/p/exec', false, true],
  ['GET', '/api/v1/proxy/namespaces/default/pods/p/admin', false, true],
];
for (const [method, path, upgrade, refused] of readOnlyCases) {
  test(`readOnlyRefusal :: ${method} ${path}${upgrade ? ' (upgrade)' : ''} → ${refused ? 'refused' : 'allowed'}`, () => {
    const p = path.split('?')[0] as string;
    const why = readOnlyRefusal(method, readings(p, p), upgrade);
    assert.is(why !== undefined, refused, why);
    if (why) assert.match(why, /^kubectl sock proxy is serving read-only \(--read-only\): /);
  });
}

test('readOnlyRefusal :: the message says what is refused', () => {
  assert.is(readOnlyRefusal('DELETE', readings('/api/v1/namespaces/default/pods/p', '/api/v1/namespaces/default/pods/p'), false),
    'kubectl sock proxy is serving read-only (--read-only): DELETE is not allowed; only GET, HEAD and watch requests are');
});

test.run();
