// -v=5…9 request lines (plugin/kube/rest/request-log.ts) beside kubectl 1.33's, on
// the real API server: both clients over TLS to the same URL with the same
// kubeconfig and a warm discovery cache each, so the lines differ only where
// they must (klog's header: time, pid, source file; the milliseconds; the
// User-Agent; the server's Date and Audit-Id). kubectl's own test/cmd greps
// them (get.sh: `"Response" verb="GET" url=".*/api/v1/namespaces/default/pods" status="200 OK"`).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { kubectl, sock, type RunResult } from '../helpers/processes.ts';
import { oracle } from './parity.ts';

let cp: ControlPlane;
let homes: { kubectl: string; sock: string };

test.before(async () => {
  cp = await startControlPlane();
  const dir = tempDir();
  homes = { kubectl: join(dir, 'k'), sock: join(dir, 's') };
  for (const h of Object.values(homes)) mkdirSync(h);
  const made = await oracle(cp, ['run', 'quiet', '--image=registry.example/none:1', '--restart=Never']);
  assert.is(made.code, 0, made.stderr);
  // Warm each client's discovery cache, as after a first use.
  await both(['get', 'ns', 'default']);
});

test.after(async () => {
  await cp?.stop();
});

function both(args: string[]): Promise<[RunResult, RunResult]> {
  const run = (client: typeof kubectl, home: string) => client(['--kubeconfig', cp.kubeconfig, ...args], { env: { HOME: home } });
  return Promise.all([run(kubectl, homes.kubectl), run(sock, homes.sock)]);
}

/** What may differ run to run and client to client; client-go's "Feature gate" V(1) lines, which kubectl-sock has no gates for. */
function normalized(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.includes('"Feature gate default state"'))
    .join('\n')
    .replace(/^([IWE])\d{4} [\d:.]+ +\d+ [\w.]+?(?:\.go:\d+|\.ts)\] /gm, '$1 ')
    .replace(/(milliseconds|Milliseconds)=\d+/g, '$1=N')
    .replace(/continue=[^&"\s]*/g, 'continue=C')
    // A list's resourceVersion and continue token: the store's revision when each client listed.
    .replace(/(\\?"(?:resourceVersion|continue)\\?":\\?")[\w-]+/g, '$1X')
    .replace(/(User-Agent: )[^\n"]*/g, '$1UA')
    // kubectl speaks HTTP/2 to the server, kubectl-sock HTTP/1.1: Go's server sends a body of more than
    // 2048 bytes chunked over HTTP/1.1, so whether Content-Length comes depends on the protocol.
    .replace(/^\tContent-Length: \d+\n/gm, '')
    .replace(/(Date: |Audit-Id: )[^\n]*/g, '$1X')
    // A Table row's age, in a logged body: the server computes it when each client asks.
    .replace(/(\\?"cells\\?":\[(?:[^\]]*?,)?\\?")\d+[smhdy](?:\d+[smh])?(\\?"\])/g, '$1AGE$2');
}

for (const v of [5, 6, 7, 8, 9]) {
  test(`-v=${v} :: get, get -o json, a paged list, logs and version log the lines kubectl logs`, async () => {
    for (const args of [
      ['get', 'ns', 'default'],
      ['get', 'ns', 'default', '-o', 'json'],
      ['get', 'clusterroles', '--chunk-size=10', '-o', 'name'],
      ['logs', 'quiet'],
      ['version'],
      ['get', 'ns', 'nosuch'],
      ['get', 'ns', '-o', 'go-template={{len .items}}'],
    ]) {
      const [k, s] = await both([...args, `-v=${v}`]);
      assert.is(s.code, k.code, args.join(' '));
      let want = normalized(k.stderr);
      // -v=9's curl command lists the headers in Go's map order; kubectl-sock's is one of those orders.
      if (v >= 9) want = want.replace(/(curl -v -XGET ) .*( '[^']*'\n)/g, '$1 H$2');
      const got = v >= 9 ? normalized(s.stderr).replace(/(curl -v -XGET ) .*( '[^']*'\n)/g, '$1 H$2') : normalized(s.stderr);
      assert.fixture(got, want, `kubectl ${args.join(' ')} -v=${v}`);
    }
  });
}

test('-v=9 :: the curl command carries the same headers, the Authorization masked', async () => {
  const [k, s] = await both(['get', 'ns', 'default', '-v=9']);
  const headers = (t: string) => [...t.matchAll(/-H "([^"]*)"/g)].map((m) => (m[1] as string).replace(/^User-Agent: .*/, 'User-Agent')).sort();
  assert.equal(headers(s.stderr), headers(k.stderr));
  assert.match(s.stderr, /-H "Authorization: Bearer <masked>"/);
  assert.match(s.stderr, /"HTTP Trace: Dial succeed" network="tcp" address="127\.0\.0\.1:\d+"/);
});

test('get -w --request-timeout=1 -v=5 :: the watch ends after a second with the StreamWatcher line', async () => {
  const [k, s] = await both(['get', 'pod', 'quiet', '--request-timeout=1', '--watch', '-v=5']);
  assert.is(s.code, k.code);
  // Go reports the cut body as the request's or as the context's deadline, as its timers fall:
  // "context deadline exceeded", with or without "(Client.Timeout …)", or "net/http: request canceled (…)".
  const cut = 'err="net/http: request canceled (Client.Timeout or context cancellation while reading body)"';
  const kubectlCut = /err="(?:context deadline exceeded|net\/http: request canceled)(?: \(Client\.Timeout or context cancellation while reading body\))?"/;
  assert.is(normalized(s.stderr), normalized(k.stderr).replace(kubectlCut, cut));
  assert.match(s.stderr, /"Unable to decode an event from the watch stream" err="net\/http: request canceled \(Client\.Timeout or context cancellation while reading body\)"/);
});

test.run();
