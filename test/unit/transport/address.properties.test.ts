// Property tests of the server-address parser: any text either parses or is a
// ConfigError; socket paths survive every spelling and the parse → display →
// parse round trip; tcp://, http(s):// and host:port agree with a model of
// client-go's rest.DefaultServerURL on generated hosts and ports.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../plugin/errors.ts';
import { resolveServerAddress, type ResolveOptions, type ServerAddress } from '../../../plugin/transport/address.ts';
import { nastyString, runs, tried, typedOnly } from '../../helpers/properties.ts';

const opts: ResolveOptions = { baseDir: '/home/u/.kube', home: '/home/u', defaultTLS: false };

const PREFIXES = ['', 'unix:', 'unix://', 'unix:///', 'UNIX:', 'http+unix:', 'https+unix://', 'tcp://', 'TCP://', 'http://', 'https://', 'HTTPS://', 'ftp://', '/', './', '../', '~/', '~', '//', ':', '[::1]:', 'localhost:'];

function parse(server: string, o: ResolveOptions = opts): ServerAddress {
  tried('server-address');
  return resolveServerAddress(server, o);
}

test('resolveServerAddress :: any text parses or is a ConfigError', () => {
  fc.assert(fc.property(fc.constantFrom(...PREFIXES), nastyString(), fc.boolean(), (prefix, rest, defaultTLS) => {
    const r = typedOnly(() => parse(prefix + rest, { ...opts, defaultTLS }));
    if (r instanceof Error) assert.instance(r, ConfigError);
  }), runs(1500));
});

/** A path segment: nasty text without '/' and NUL (a socket path cannot hold NUL). */
const segment = nastyString(4).map((s) => s.replace(/[/\0]/g, '_')).filter((s) => s !== '' && s !== '.' && s !== '..');
const absolutePath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

/** The percent-encoding a unix URL needs for its path to come back unchanged. */
function urlPath(p: string): string {
  return p.replaceAll('%', '%25');
}

test('resolveServerAddress :: a socket path survives unix://, unix:, https+unix:// and the bare form', () => {
  fc.assert(fc.property(absolutePath, (path) => {
    const forms: [string, boolean][] = [[`unix://${urlPath(path)}`, false], [`unix:${urlPath(path)}`, false], [`https+unix://${urlPath(path)}`, true], [path, false]];
    for (const [server, tls] of forms) {
      const a = parse(server);
      assert.is(a.transport, 'unix', server);
      if (a.transport !== 'unix') return;
      assert.is(a.socketPath, path, server);
      assert.is(a.tls, tls, server);
    }
  }), runs(400));
});

test('resolveServerAddress :: parse → display → parse keeps the socket (the kubeconfig loader stores display)', () => {
  const relative = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
  const spelled = fc.oneof(
    absolutePath.map((p) => `unix://${urlPath(p)}`),
    absolutePath,
    relative.map((p) => `./${p}`),
    relative.map((p) => `~/${p}`),
    relative.map((p) => `unix:${urlPath(p)}`),
    absolutePath.map((p) => `https+unix://${urlPath(p)}`),
  );
  fc.assert(fc.property(spelled, (server) => {
    const a = parse(server);
    if (a.transport !== 'unix') return assert.unreachable(server);
    const again = parse(a.display);
    if (again.transport !== 'unix') return assert.unreachable(a.display);
    assert.is(again.socketPath, a.socketPath, `${server} → ${a.display}`);
    assert.is(again.tls, a.tls);
    assert.is(again.display, a.display);
  }), runs(400));
});

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const dnsLabel = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const dnsName = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((l) => l.join('.'));
// Names WHATWG URL would read as IPv4 shorthand (0xa is 0.0.0.10, 127.1 is 127.0.0.1) or lower-case;
// Go's url.Parse keeps each as written, and net.ParseIP takes dotted decimal only.
const shorthand = fc.oneof(
  fc.constantFrom('0xa', '0x7f.1', '0x7f000001', '127.1', '2130706433', '0177.0.0.1', '127.000.000.001', '127.0.0.1.', 'LOCALHOST', 'Api.Example'),
  fc.array(fc.oneof(fc.nat(300).map(String), fc.nat(255).map((n) => `0x${n.toString(16)}`), fc.nat(255).map((n) => `0${n.toString(8)}`)), { minLength: 1, maxLength: 4 }).map((p) => p.join('.')),
);
const host = fc.oneof(ipv4, dnsName, shorthand, fc.constantFrom('[::1]', '[fe80::1]', 'localhost'));
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

function withPort(h: string, p: number | undefined): string {
  return p === undefined ? h : `${h}:${p}`;
}

test('resolveServerAddress :: tcp://host[:port] is plain HTTP, 8001 by default', () => {
  fc.assert(fc.property(host, port, (h, p) => {
    const a = parse(`tcp://${withPort(h, p)}`);
    if (a.transport !== 'tcp') return assert.unreachable();
    assert.is(a.tls, false);
    assert.ok(a.plainSocket);
    assert.is(a.hostPort, `${h}:${p ?? 8001}`);
    assert.is(a.basePath, '');
    assert.is(parse(a.display).display, a.display);
  }), runs(300));
});

test('resolveServerAddress :: http(s) URLs and host:port agree with a model of rest.DefaultServerURL', () => {
  const path = fc.array(dnsLabel, { maxLength: 3 }).map((p) => p.map((s) => `/${s}`).join(''));
  const scheme = fc.constantFrom('http', 'https', '');
  fc.assert(fc.property(scheme, host, port, path, fc.boolean(), fc.boolean(), (s, h, p, prefix, slash, defaultTLS) => {
    const hp = withPort(h, p);
    const pathPart = prefix + (slash ? '/' : '');
    const server = s ? `${s}://${hp}${pathPart}` : `${hp}${pathPart}`;
    const r = typedOnly(() => parse(server, { ...opts, defaultTLS }));
    // Model: a URL with scheme and host is taken as is; anything else gets the
    // default scheme and must then have no path ("host must be a URL or a host:port pair").
    const tls = s ? s === 'https' : defaultTLS;
    if (!s && prefix !== '') {
      assert.instance(r, ConfigError, server);
      return;
    }
    if (r instanceof Error || r.transport !== 'tcp') return assert.unreachable(`${server}: ${String(r)}`);
    assert.is(r.tls, tls, server);
    assert.is(r.hostPort, `${h}:${p ?? (tls ? 443 : 80)}`, server);
    assert.is(r.display, `${tls ? 'https' : 'http'}://${withPort(h, p === (tls ? 443 : 80) ? undefined : p)}${prefix}`, server);
    assert.is(r.basePath, prefix, server);
    assert.not.ok(r.plainSocket);
  }), runs(500));
});

test.run();
