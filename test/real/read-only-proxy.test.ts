// --read-only against a REAL kube-apiserver (issue #18, finding 1). A pod, a
// service endpoint and a node all point at an HTTP server in a network
// namespace of this test's own (the API server will not proxy to loopback);
// the server records every request. The review's encoded dot-segment requests
// reach it through real `kubectl proxy` (so the attack is real and this test
// can fail) and through kubectl sock proxy before the fix; through a
// `kubectl sock proxy --read-only` socket, nothing reaches it. Without
// --read-only, the plain proxy request does reach it (read-only is what stops
// it), while the dot-segment spellings are refused there too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { startNetnsHttp, type NetnsHttp, type SeenRequest } from '../helpers/netns-http.ts';
import { BINARY, startBackground, startKubectlProxy, type Background } from '../helpers/processes.ts';
import { rawExchange } from '../unit/relay/relay-harness.ts';

const MERGE = 'application/merge-patch+json';
let cp: ControlPlane;
let pod: NetnsHttp;
const running: Background[] = [];
const socket = { kubectlProxy: '', readOnly: '', open: '' };

test.before(async () => {
  cp = await startControlPlane();
  try {
    pod = await startNetnsHttp(8099);
    await seed(cp, pod.ip);
    const sock = (name: string) => join(cp.dir, name);
    socket.kubectlProxy = sock('kubectl-proxy.sock');
    socket.readOnly = sock('read-only.sock');
    socket.open = sock('open.sock');
    running.push(await startKubectlProxy(cp.kubeconfig, { unixSocket: socket.kubectlProxy }));
    running.push(await startBackground(BINARY, ['proxy', '--kubeconfig', cp.kubeconfig, `--unix-socket=${socket.readOnly}`, '--read-only'], /^Starting to serve on /));
    running.push(await startBackground(BINARY, ['proxy', '--kubeconfig', cp.kubeconfig, `--unix-socket=${socket.open}`], /^Starting to serve on /));
  } catch (err) {
    await stopAll();
    throw err;
  }
});

async function stopAll(): Promise<void> {
  await Promise.all(running.map((b) => b.stop()));
  pod?.close();
  await cp?.stop();
}

test.after(stopAll);

/** A pod with the namespace's address as its IP, a service whose endpoint is that pod, a node at that address. */
async function seed(c: ControlPlane, ip: string): Promise<void> {
  const ns = '/api/v1/namespaces/default';
  await c.json('POST', `${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8099 }] }] } });
  // No kubelet runs here: the pod's status is set as a kubelet would set it.
  await c.json('PATCH', `${ns}/pods/web/status`, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } }, MERGE);
  await c.json('POST', `${ns}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 8099 }] } });
  // The service proxy picks an Endpoints address whose targetRef is a pod with that IP.
  await c.json('POST', `${ns}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [{ ip, targetRef: { kind: 'Pod', name: 'web', namespace: 'default' } }], ports: [{ name: 'http', port: 8099 }] }] });
  await c.json('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'netns-node' } });
  await c.json('PATCH', '/api/v1/nodes/netns-node/status', { status: { addresses: [{ type: 'InternalIP', address: ip }] } }, MERGE);
}

/** The three proxy subresources that reach the server in the namespace. */
const BASES = [
  '/api/v1/namespaces/default/pods/web:8099',
  '/api/v1/namespaces/default/services/web:8099',
  '/api/v1/nodes/netns-node:8099',
];

/** The review's spellings (and more): each reaches the namespace's server through kubectl proxy. */
function attacks(base: string): Array<{ method: string; target: string }> {
  return [
    { method: 'GET', target: `${base}/proxy/%2E%2E/admin/delete-everything?confirm=yes` },
    { method: 'HEAD', target: `${base}/proxy/%2E%2E/admin/delete-everything?confirm=yes` },
    { method: 'GET', target: `${base}/proxy%2F..%2Fx` },
    { method: 'GET', target: `${base}/proxy/%2e%2E/%2E%2e/admin` },
    { method: 'GET', target: `${base}/proxy/admin/.%2E/..;/metrics` },
    { method: 'GET', target: `${base}/proxy/admin#frag` },
    { method: 'GET', target: `${base}/proxy/admin` },
  ];
}

/** Sends one raw request on a socket; returns the status line and the requests the namespace's server got meanwhile. */
async function send(sock: string, method: string, target: string): Promise<{ status: string; reached: SeenRequest[] }> {
  const before = pod.requests().length;
  const answer = await rawExchange(sock, `${method} ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  return { status: answer.split('\r\n')[0] ?? '', reached: pod.requests().slice(before) };
}

test('kubectl proxy (the reference) :: every attack reaches the server in the namespace', async () => {
  for (const base of BASES) {
    for (const { method, target } of attacks(base)) {
      const r = await send(socket.kubectlProxy, method, target);
      assert.is(r.reached.length, 1, `${method} ${target} through kubectl proxy: ${r.status}`);
    }
  }
  // The review's finding, as the pod saw it: the dot segments were resolved past the proxy subresource.
  const r = await send(socket.kubectlProxy, 'GET', `${BASES[0]}/proxy/%2E%2E/admin/delete-everything?confirm=yes`);
  assert.equal(r.reached, [{ method: 'GET', url: '/admin/delete-everything?confirm=yes' }]);
});

test('kubectl sock proxy --read-only :: no attack reaches the server in the namespace', async () => {
  for (const base of BASES) {
    for (const { method, target } of attacks(base)) {
      const r = await send(socket.readOnly, method, target);
      assert.equal(r.reached, [], `${method} ${target} through --read-only reached it (${r.status})`);
      assert.match(r.status, /^HTTP\/1\.1 (400 Bad Request|403 Forbidden)$/, `${method} ${target}`);
    }
  }
});

test('kubectl sock proxy without --read-only :: the plain proxy request reaches the server; dot segments are refused there too', async () => {
  for (const base of BASES) {
    const plain = await send(socket.open, 'GET', `${base}/proxy/admin`);
    assert.equal(plain.reached, [{ method: 'GET', url: '/admin' }], `${base}: ${plain.status}`);
    assert.is(plain.status, 'HTTP/1.1 200 OK');
    for (const { method, target } of attacks(base).filter((a) => /%2e|\.\.|%2F/i.test(a.target))) {
      const r = await send(socket.open, method, target);
      assert.equal(r.reached, [], `${method} ${target} reached it (${r.status})`);
      assert.is(r.status, 'HTTP/1.1 400 Bad Request', `${method} ${target}`);
    }
  }
});

test.run();
