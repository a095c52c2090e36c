// The world the `get` benchmark runs in: one fake API server with namespaces of
// 5, 5,000 and 50,000 pods behind a replay cache, reachable over a unix socket
// (kubectl-sock) and plain HTTP on TCP (kubectl), and a home folder per client
// with its own ~/.kube/config naming its server, as each is set up in use.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from '../../test/helpers/fake-apiserver.ts';

export interface GetWorld {
  dir: string;
  /** unix:///…/api.sock */
  unixUrl: string;
  /** http://127.0.0.1:PORT */
  tcpUrl: string;
  /** A home folder whose .kube/config names `server` (one per client, so caches stay apart). */
  home(name: string, server: string): string;
  close(): Promise<void>;
}

/** Pods as a small cluster's would look; names and ages fixed so both clients print the same. */
export function seedPods(api: FakeApiServer, namespace: string, count: number): void {
  const created = new Date(Date.now() - 40 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  api.addObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (let i = 0; i < count; i++) {
    const name = `web-${String(i).padStart(5, '0')}-${(i * 7919).toString(36)}`;
    api.addObject({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace, labels: { app: 'web', shard: String(i % 16) }, creationTimestamp: created },
      spec: { nodeName: `node-${i % 12}`, containers: [{ name: 'nginx', image: 'registry.example/nginx:1.27' }] },
      status: {
        phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'nginx', ready: true, restartCount: i % 4, started: true, state: { running: { startedAt: created } } }],
      },
    });
  }
}

interface Cached {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A replay cache in front of the fake: the first request for a URL+Accept goes through, later ones are served from memory. */
function replayFront(upstream: string): (req: IncomingMessage, res: ServerResponse) => void {
  const cache = new Map<string, Promise<Cached>>();
  const fetchOnce = (req: IncomingMessage): Promise<Cached> =>
    new Promise((resolve, reject) => {
      const up = request(`${upstream}${req.url}`, { method: req.method, headers: { accept: req.headers.accept ?? '' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve({ status: r.statusCode ?? 500, headers: r.headers, body: Buffer.concat(chunks) }));
        r.on('error', reject);
      });
      up.on('error', reject);
      up.end();
    });
  return (req, res) => {
    const key = `${req.method} ${req.url} ${req.headers.accept ?? ''}`;
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = fetchOnce(req)));
    hit.then(
      (c) => {
        res.writeHead(c.status, { 'content-type': String(c.headers['content-type'] ?? 'application/json'), 'content-length': c.body.length });
        res.end(c.body);
      },
      () => res.destroy(),
    );
  };
}

function listen(server: Server, target: string | number): Promise<void> {
  return new Promise((ok) => (typeof target === 'string' ? server.listen(target, ok) : server.listen(target, '127.0.0.1', ok)));
}

/** A kubeconfig as `kubectl config set-cluster/set-context/use-context` writes it. */
function kubeconfigFor(server: string): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    server: ${server}`,
    '  name: bench',
    'contexts:',
    '- context:',
    '    cluster: bench',
    '    namespace: default',
    '    user: bench',
    '  name: bench',
    'current-context: bench',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: bench',
    '  user: {}',
    '',
  ].join('\n');
}

export async function startGetWorld(namespaces: Record<string, number>): Promise<GetWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ksock-bench-get-'));
  const api = await startFakeApiServer({ tcp: true });
  for (const [ns, count] of Object.entries(namespaces)) seedPods(api, ns, count);
  const front = replayFront(api.httpUrl as string);
  const unixFront = createServer(front);
  const tcpFront = createServer(front);
  const sockPath = join(dir, 'api.sock');
  await listen(unixFront, sockPath);
  await listen(tcpFront, 0);
  return {
    dir,
    unixUrl: `unix://${sockPath}`,
    tcpUrl: `http://127.0.0.1:${(tcpFront.address() as AddressInfo).port}`,
    home(name, server) {
      const home = join(dir, name);
      mkdirSync(join(home, '.kube'), { recursive: true });
      writeFileSync(join(home, '.kube', 'config'), kubeconfigFor(server), { mode: 0o600 });
      return home;
    },
    async close() {
      await new Promise((r) => unixFront.close(r));
      await new Promise((r) => tcpFront.close(r));
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
