// The fake kubelet on its own, and behind the fake API server (which verifies
// its certificate against the kubelet CA unless insecureSkipTLSVerifyBackend=true).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { makePki, type Pki } from '../../helpers/certs.ts';
import { start, type FakeKubelet } from '../../helpers/fake-kubelet.ts';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.ts';
import { configureKubeletClient } from '../../helpers/fake-apiserver/kubelet-proxy.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

let pki: Pki;
let good: FakeKubelet;
let expired: FakeKubelet;
let api: FakeApiServer;
const dir = tempDir('ksock-kubelet-');
const t = (sec: number) => new Date(Date.UTC(2024, 0, 2, 3, 4, sec, 500));

test.before(async () => {
  pki = await makePki(join(dir, 'pki'));
  good = await start({ cert: pki.server.cert, key: pki.server.key });
  expired = await start({ cert: pki.expiredServer.cert, key: pki.expiredServer.key });
  for (const k of [good, expired]) {
    k.setLogs('ns', 'p', 'app', [{ time: t(1), text: 'one' }, { time: t(2), text: 'two', stream: 'stderr' }, { time: t(3), text: 'three' }]);
    k.setLogs('ns', 'p', 'app', 'old\n', { previous: true });
  }
  api = await startFakeApiServer({ tcp: true });
  for (const [node, k] of [['good-node', good], ['expired-node', expired]] as const) {
    api.addObject({ apiVersion: 'v1', kind: 'Node', metadata: { name: node }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: k.port } } } });
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: node === 'good-node' ? 'ns' : 'other' }, spec: { nodeName: node, containers: [{ name: 'app', image: 'x' }] } });
  }
  expired.setLogs('other', 'p', 'app', 'from the expired kubelet\n');
});

test.after(async () => {
  configureKubeletClient({});
  await good.close();
  await expired.close();
  await api.close();
});

function get(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https') ? request : httpRequest)(url, ca ? { ca } : {}, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('kubelet :: /containerLogs with the kubelet\'s options', async () => {
  const logs = (q = '') => get(`${good.url}/containerLogs/ns/p/app${q}`, pki.ca.cert);
  assert.equal(await logs(), { status: 200, body: 'one\ntwo\nthree\n' });
  assert.is((await logs('?tailLines=1&timestamps=true')).body, '2024-01-02T03:04:03.500000000Z three\n');
  assert.is((await logs('?tail=2')).body, 'two\nthree\n');
  assert.is((await logs('?tail=all')).body, 'one\ntwo\nthree\n');
  assert.is((await logs('?sinceTime=2024-01-02T03%3A04%3A02Z')).body, 'two\nthree\n');
  assert.is((await logs('?limitBytes=6')).body, 'one\ntw');
  assert.is((await logs('?stream=Stderr')).body, 'two\n');
  assert.is((await logs('?stream=Stdout')).body, 'one\nthree\n');
  assert.is((await logs('?previous=true')).body, 'old\n');
  assert.is((await logs('?sinceSeconds=60')).body, '', 'all lines are older than a minute');
  assert.equal(await get(`${good.url}/containerLogs/ns/nosuch/app`, pki.ca.cert), { status: 404, body: 'pod "nosuch" does not exist' });
  assert.equal(await get(`${good.url}/containerLogs/ns/p/nope`, pki.ca.cert), { status: 404, body: 'container "nope" not found in pod "p"' });
  good.setLogs('ns', 'fresh', 'app', 'x\n');
  assert.equal(await get(`${good.url}/containerLogs/ns/fresh/app?previous=true`, pki.ca.cert), { status: 400, body: 'previous terminated container "app" in pod "fresh" not found' });
  assert.is(good.requests.at(-1)?.url, '/containerLogs/ns/fresh/app?previous=true');
});

test('kubelet :: follow streams appended lines until the streams end', async () => {
  good.setLogs('ns', 'p', 'side', 'one\ntwo\nthree\n');
  const body = new Promise<string>((resolve) => {
    request(`${good.url}/containerLogs/ns/p/side?follow=true&tailLines=1`, { ca: pki.ca.cert }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
        if (text === 'three\n') good.appendLogs('ns', 'p', 'side', 'four\nfive\n');
        if (text.endsWith('five\n')) good.endStreams();
      });
      res.on('end', () => resolve(text));
    }).end();
  });
  assert.is(await body, 'three\nfour\nfive\n');
});

test('behind the fake API server :: verified against the kubelet CA unless skipped', async () => {
  configureKubeletClient({ ca: pki.ca.cert });
  const base = `${api.httpUrl}/api/v1/namespaces`;
  assert.equal(await get(`${base}/ns/pods/p/log?container=app&tailLines=2&timestamps=true`), { status: 200, body: '2024-01-02T03:04:02.500000000Z two\n2024-01-02T03:04:03.500000000Z three\n' });
  assert.is(good.requests.at(-1)?.url, '/containerLogs/ns/p/app?tailLines=2&timestamps=true');
  const failed = await get(`${base}/other/pods/p/log`);
  assert.is(failed.status, 500);
  const status = JSON.parse(failed.body);
  assert.is(status.reason, undefined, 'reason is omitted: StatusReasonUnknown');
  assert.match(status.message, new RegExp(`^Get "https://127\\.0\\.0\\.1:${expired.port}/containerLogs/other/p/app": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ is after \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
  assert.equal(await get(`${base}/other/pods/p/log?insecureSkipTLSVerifyBackend=true`), { status: 200, body: 'from the expired kubelet\n' });
  assert.is(expired.requests.at(-1)?.url, '/containerLogs/other/p/app', 'the flag is not forwarded');
  const prev = await get(`${base}/ns/pods/p/log?previous=true&container=app`);
  assert.is(prev.status, 200);
  configureKubeletClient({});
  assert.is((await get(`${base}/other/pods/p/log`)).status, 200, 'no kubelet CA: nothing is verified, as kube-apiserver without --kubelet-certificate-authority');
});

test('behind the fake API server :: the kubelet\'s refusals become the API server\'s errors', async () => {
  good.setLogs('ns', 'fresh2', 'app', 'x\n');
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh2', namespace: 'ns' }, spec: { nodeName: 'good-node', containers: [{ name: 'app', image: 'x' }] } });
  const r = await get(`${api.httpUrl}/api/v1/namespaces/ns/pods/fresh2/log?previous=true`);
  assert.is(r.status, 400);
  assert.is(JSON.parse(r.body).message, 'previous terminated container "app" in pod "fresh2" not found');
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unknown', namespace: 'ns' }, spec: { nodeName: 'good-node', containers: [{ name: 'app', image: 'x' }] } });
  const missing = JSON.parse((await get(`${api.httpUrl}/api/v1/namespaces/ns/pods/unknown/log`)).body);
  assert.is(missing.code, 404);
  assert.is(missing.message, 'the server could not find the requested resource ( pods/log unknown)');
});

test('kubelet :: as a program, with --log files', async () => {
  const file = join(dir, 'app.log');
  writeFileSync(file, 'from a file\n');
  writeFileSync(join(dir, 'c.pem'), pki.server.cert);
  writeFileSync(join(dir, 'k.pem'), pki.server.key);
  const child = spawn(process.execPath, ['test/helpers/fake-kubelet.ts', '--cert', join(dir, 'c.pem'), '--key', join(dir, 'k.pem'), '--log', `ns/p/app=${file}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve) => child.stdout.once('data', (c) => resolve(String(c))));
  const { port } = JSON.parse(line) as { port: number };
  assert.is((await get(`https://127.0.0.1:${port}/containerLogs/ns/p/app`, pki.ca.cert)).body, 'from a file\n');
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.is(code, 0);
});

test.run();
