import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveServerAddress, type ServerAddress } from '../../../plugin/transport/address.ts';

const opts = { baseDir: '/home/u/.kube', home: '/home/u', defaultTLS: false };

function summary(a: ServerAddress): string {
  if (a.transport === 'unix') return `${a.tls ? 'tls+' : ''}unix ${a.socketPath}`;
  return `${a.plainSocket ? 'tcp ' : ''}${a.url.href} tls=${a.tls} hostPort=${a.hostPort}`;
}

const cases: [input: string, expected: string, defaultTLS?: boolean][] = [
  ['unix:///run/kube.sock', 'unix /run/kube.sock'],
  ['unix:/run/kube.sock', 'unix /run/kube.sock'],
  ['unix:///run/with%20space.sock', 'unix /run/with space.sock'],
  ['/home/u/.kube/kube.sock', 'unix /home/u/.kube/kube.sock'],
  ['~/.kube/kube.sock', 'unix /home/u/.kube/kube.sock'],
  ['unix:kube.sock', 'unix /home/u/.kube/kube.sock'],
  ['unix://kube.sock', 'unix /home/u/.kube/kube.sock'],
  ['./kube.sock', 'unix /home/u/.kube/kube.sock'],
  ['UNIX:///run/kube.sock', 'unix /run/kube.sock'],
  ['https+unix:///run/fwd.sock', 'tls+unix /run/fwd.sock'],
  ['tcp://127.0.0.1:9000', 'tcp http://127.0.0.1:9000/ tls=false hostPort=127.0.0.1:9000'],
  ['tcp://127.0.0.1', 'tcp http://127.0.0.1:8001/ tls=false hostPort=127.0.0.1:8001'],
  ['tcp://[::1]:9000', 'tcp http://[::1]:9000/ tls=false hostPort=[::1]:9000'],
  ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/ tls=false hostPort=127.0.0.1:8080'],
  ['https://api.example.com', 'https://api.example.com/ tls=true hostPort=api.example.com:443'],
  ['https://rancher/k8s/clusters/c-1', 'https://rancher/k8s/clusters/c-1 tls=true hostPort=rancher:443'],
  ['127.0.0.1:6443', 'http://127.0.0.1:6443/ tls=false hostPort=127.0.0.1:6443'],
  ['127.0.0.1:6443', 'https://127.0.0.1:6443/ tls=true hostPort=127.0.0.1:6443', true],
  ['localhost:8080', 'http://localhost:8080/ tls=false hostPort=localhost:8080'],
];

for (const [input, expected, defaultTLS] of cases) {
  test(`resolveServerAddress :: ${input}${defaultTLS ? ' (TLS configured)' : ''}`, () => {
    assert.is(summary(resolveServerAddress(input, { ...opts, defaultTLS: Boolean(defaultTLS) })), expected);
  });
}

const errors: [input: string, message: RegExp][] = [
  ['', /^host must be a URL or a host:port pair$/],
  ['invalid/url', /^host must be a URL or a host:port pair: "invalid\/url"$/],
  ['ftp://x', /^unsupported server address "ftp:\/\/x": use one of unix:\/\/\/path/],
  ['tcp://127.0.0.1:1/path', /^unsupported server address "tcp:\/\/127.0.0.1:1\/path"/],
  ['unix://', /^unsupported server address "unix:\/\/"/],
];
for (const [input, message] of errors) {
  test(`resolveServerAddress :: rejects ${JSON.stringify(input)}`, () => {
    assert.throws(() => resolveServerAddress(input, opts), (e: Error) => message.test(e.message));
  });
}

test('resolveServerAddress :: display names a socket as a unix URL', () => {
  const a = resolveServerAddress('/run/kube.sock', opts);
  assert.is(a.display, 'unix:///run/kube.sock');
});

// Found by address.properties.test.ts: a bare path was percent-decoded as if it were a URL, and
// display did not encode '%', so a kubeconfig server (stored as display, parsed again) was decoded twice.
test('resolveServerAddress :: a bare path keeps its %; a unix URL decodes %25 once, display encodes it back', () => {
  assert.is(summary(resolveServerAddress('/run/100%.sock', opts)), 'unix /run/100%.sock');
  assert.is(summary(resolveServerAddress('/run/a%20b.sock', opts)), 'unix /run/a%20b.sock');
  const a = resolveServerAddress('unix:///run/100%25.sock', opts);
  assert.is(summary(a), 'unix /run/100%.sock');
  assert.is(a.display, 'unix:///run/100%25.sock');
  assert.is(summary(resolveServerAddress(a.display, opts)), 'unix /run/100%.sock');
});

test.run();
