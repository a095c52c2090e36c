// Property tests of the relay's admission (issue #18, finding 1): no encoding of
// a path that acts (exec, attach, portforward; proxy on pods, services and
// nodes) is forwarded by a --read-only relay, and no path whose decoded
// segments hold ".", ".." or an empty segment is forwarded at all, because the
// API server (or the pod behind a proxy subresource) would resolve it to a
// path other than the one judged. Ordinary read paths still pass unchanged.
import fc from 'fast-check';
import type { IncomingMessage } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { admit, type AdmissionRules } from '../../../plugin/relay/admission.ts';
import { compileFilter, DEFAULT_ACCEPT_HOSTS, DEFAULT_ACCEPT_PATHS, DEFAULT_REJECT_METHODS, DEFAULT_REJECT_PATHS } from '../../../plugin/relay/filters.ts';
import { newKlog } from '../../../plugin/klog.ts';
import { Capture } from '../../helpers/context.ts';
import { runs, tried } from '../../helpers/properties.ts';

const klog = newKlog(0, new Capture(), () => new Date(0), 1);
const filter = compileFilter({ acceptPaths: DEFAULT_ACCEPT_PATHS, rejectPaths: DEFAULT_REJECT_PATHS, acceptHosts: DEFAULT_ACCEPT_HOSTS, rejectMethods: DEFAULT_REJECT_METHODS });
const readOnly: AdmissionRules = { apiPrefix: '/', filter, readOnly: true, serverPath: '' };
const readOnlyNoFilter: AdmissionRules = { ...readOnly, filter: undefined };
const open: AdmissionRules = { ...readOnly, readOnly: false };

function request(method: string, url: string): IncomingMessage {
  return { method, url, httpVersion: '1.1', headers: { host: 'localhost' } } as unknown as IncomingMessage;
}

/** The path sent upstream, or undefined when the relay answered itself. */
function forwarded(method: string, url: string, rules: AdmissionRules): string | undefined {
  tried('admission');
  const a = admit(request(method, url), rules, false, klog);
  return 'forward' in a ? a.forward : undefined;
}

// --- what acts: every subresource a read-only relay must never let through ---------------------------------------

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const port = fc.option(fc.constantFrom(':8099', ':http', ':80'), { nil: '' });
const scheme = fc.constantFrom('', 'http:', 'https:');
const tail = fc.array(fc.constantFrom('admin', 'delete-everything', 'metrics', 'x', 'configz', 'run'), { maxLength: 3 });

/** The segments of a path that acts, as the API server routes it. */
const actingPath: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(name, name, fc.constantFrom('exec', 'attach', 'portforward')).map(([ns, pod, sub]) => ['api', 'v1', 'namespaces', ns, 'pods', pod, sub]),
  fc.tuple(name, scheme, name, port, tail).map(([ns, s, pod, p, t]) => ['api', 'v1', 'namespaces', ns, 'pods', `${s}${pod}${p}`, 'proxy', ...t]),
  fc.tuple(name, scheme, name, port, tail).map(([ns, s, svc, p, t]) => ['api', 'v1', 'namespaces', ns, 'services', `${s}${svc}${p}`, 'proxy', ...t]),
  fc.tuple(scheme, name, port, tail).map(([s, node, p, t]) => ['api', 'v1', 'nodes', `${s}${node}${p}`, 'proxy', ...t]),
);

/** A byte as %XX with each hex digit's case chosen freely (%2e, %2E). */
function pct(c: string, upper: readonly boolean[]): string {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${[...hex].map((h, i) => (upper[i] ? h.toUpperCase() : h)).join('')}`;
}

/** One segment, each character kept or percent-encoded. */
function encodeSegment(seg: string, choices: readonly number[]): string {
  return [...seg].map((c, i) => {
    const k = choices[i % Math.max(1, choices.length)] ?? 0;
    return k % 3 === 0 ? pct(c, [k % 2 === 0, k % 5 === 0]) : c;
  }).join('');
}

const DOT = ['.', '%2e', '%2E'];
const DOTS = ['..', '.%2e', '%2e.', '%2E%2E', '%2e%2E', '%2E.'];
const SEPARATORS = ['/', '/', '/', '%2F', '%2f', '%5C'];

/** A detour that resolves to nothing: "x/..", ".", "..;jsessionid=1" after a throwaway segment. */
const detour: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(name, fc.constantFrom(...DOTS), fc.constantFrom('', ';', ';a=b')).map(([junk, dots, param]) => [junk, `${dots}${param}`]),
  fc.tuple(fc.constantFrom(...DOT), fc.constantFrom('', ';x')).map(([dot, param]) => [`${dot}${param}`]),
  fc.constant<string[]>(['']),
);

interface Disguise {
  /** Where the detour goes (index into the segments), and the detours. */
  at: number;
  detours: string[][];
  /** Per-character encoding choices. */
  choices: number[];
  /** Separator choices between segments. */
  seps: number[];
  /** ;params appended to the acting segment, a #fragment at the end, a query. */
  param: string;
  fragment: string;
  query: string;
}

const disguise: fc.Arbitrary<Disguise> = fc.record({
  at: fc.nat(),
  detours: fc.array(detour, { maxLength: 2 }),
  choices: fc.array(fc.nat({ max: 29 }), { minLength: 1, maxLength: 12 }),
  seps: fc.array(fc.nat({ max: SEPARATORS.length - 1 }), { minLength: 1, maxLength: 12 }),
  param: fc.constantFrom('', '', ';', ';x=1'),
  fragment: fc.constantFrom('', '', '#', '#frag', '%23x'),
  query: fc.constantFrom('', '?command=sh', '?confirm=yes', '?watch=1&x=%2E%2E'),
});

/** An attacker's spelling of the acting path: escapes, detours, %2F separators, ;params, #fragments. */
function disguised(segs: string[], d: Disguise): string {
  const out = [...segs];
  const acting = out.findIndex((s) => ['exec', 'attach', 'portforward', 'proxy'].includes(s));
  out[acting] = `${out[acting]}${d.param}`;
  // Before the last segment: an empty detour there would only be a trailing slash.
  const at = 1 + (d.at % (out.length - 1));
  out.splice(at, 0, ...d.detours.flat());
  const encoded = out.map((s, i) => (/^(\.|\.\.|%2e|%2E)/i.test(s) || s === '' ? s : encodeSegment(s, d.choices.slice(i))));
  let path = '';
  for (const [i, s] of encoded.entries()) path += (i === 0 ? '/' : (SEPARATORS[d.seps[i % d.seps.length] ?? 0] as string)) + s;
  return `${path}${d.fragment}${d.query}`;
}

test('admit --read-only :: no spelling of exec, attach, portforward or a proxy subresource is forwarded (GET and HEAD)', () => {
  fc.assert(fc.property(actingPath, disguise, fc.constantFrom('GET', 'HEAD'), fc.boolean(), (segs, d, method, withFilter) => {
    const url = disguised(segs, d);
    const fwd = forwarded(method, url, withFilter ? readOnly : readOnlyNoFilter);
    assert.is(fwd, undefined, `${method} ${url} was forwarded as ${fwd}`);
  }), runs(3000));
});

test('admit :: a path whose decoded segments hold ".", ".." or an empty segment is never forwarded, read-only or not', () => {
  const readPath = fc.tuple(name, name).map(([ns, pod]) => ['api', 'v1', 'namespaces', ns, 'pods', pod, 'log']);
  fc.assert(fc.property(fc.oneof(actingPath, readPath), disguise.filter((d) => d.detours.length > 0), (segs, d) => {
    const url = disguised(segs, d);
    const fwd = forwarded('GET', url, open);
    assert.is(fwd, undefined, `GET ${url} was forwarded as ${fwd}`);
  }), runs(2000));
});

// --- what reads: still forwarded, byte for byte ---------------------------------------------------------------------

const readingPath: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(name).map(([ns]) => ['api', 'v1', 'namespaces', ns, 'pods']),
  fc.tuple(name, name).map(([ns, pod]) => ['api', 'v1', 'namespaces', ns, 'pods', pod]),
  fc.tuple(name, name).map(([ns, pod]) => ['api', 'v1', 'namespaces', ns, 'pods', pod, 'log']),
  // Objects named like acting subresources are objects, not subresources.
  fc.tuple(name, fc.constantFrom('exec', 'proxy', 'attach')).map(([ns, obj]) => ['api', 'v1', 'namespaces', ns, 'configmaps', obj]),
  fc.tuple(name, name).map(([ns, d]) => ['apis', 'apps', 'v1', 'namespaces', ns, 'deployments', d, 'status']),
  fc.constant<string[]>(['version']),
);

test('admit --read-only :: reads with harmless escapes and queries are forwarded unchanged', () => {
  fc.assert(fc.property(readingPath, fc.array(fc.nat({ max: 29 }), { minLength: 1, maxLength: 8 }), fc.constantFrom('', '?watch=1', '?limit=5&continue=a%2Fb', '?x=#y'), fc.boolean(), (segs, choices, query, slash) => {
    const raw = `/${segs.map((s, i) => encodeSegment(s, choices.slice(i))).join('/')}${slash ? '/' : ''}${query}`;
    assert.is(forwarded('GET', raw, readOnly), raw);
  }), runs(1500));
});

// --- the review's own requests, as sent ---------------------------------------------------------------------------

const REVIEW_ATTACKS = [
  '/api/v1/namespaces/default/pods/web:8099/proxy/%2E%2E/admin/delete-everything?confirm=yes',
  '/api/v1/namespaces/default/pods/web:8099/proxy%2F..%2Fx',
  '/api/v1/namespaces/default/services/web:8099/proxy/%2e%2e/admin',
  '/api/v1/nodes/node-a:10250/proxy/%2E%2E/configz',
  '/api/v1/namespaces/default/pods/web/log/%2E%2E/exec?command=sh',
  '/api/v1/namespaces/default/pods/web/log%2F..%2Fexec?command=sh',
  '/api/v1/namespaces/default/pods/web%2Fexec?command=sh',
  '/api/v1/namespaces/default/pods/web/exec;x=1?command=sh',
  '/api/v1/namespaces/default/pods/web/exec#x',
  '/api/v1/namespaces/default/pods/web/%65xec?command=sh',
  '/api/v1/namespaces/default/pods/web/..;/web/exec',
];
for (const url of REVIEW_ATTACKS) {
  for (const method of ['GET', 'HEAD']) {
    test(`admit --read-only :: ${method} ${url} is answered by the relay, not forwarded`, () => {
      assert.is(forwarded(method, url, readOnly), undefined);
    });
  }
}

test('admit :: the refusal names the path and says why, as a Status kubectl prints', () => {
  const a = admit(request('GET', '/api/v1/namespaces/default/pods/web:8099/proxy/%2E%2E/admin'), open, false, klog);
  assert.ok('reply' in a);
  if (!('reply' in a)) return;
  assert.is(a.reply.status, 400);
  const status = JSON.parse(a.reply.body) as { reason: string; message: string };
  assert.is(status.reason, 'BadRequest');
  assert.is(status.message, 'kubectl sock refuses the path "/api/v1/namespaces/default/pods/web:8099/proxy/../admin": a ".", ".." or empty segment (after decoding) would reach a different path than the one checked');
});

test.run();
