// Proves the fake API server answers like kube-apiserver and that its faults fire.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki, type Pki } from '../../helpers/certs.ts';
import { humanDuration, startFakeApiServer, type FakeApiServer, type K8sObject } from '../../helpers/fake-apiserver.ts';
import { DISCOVERY_ACCEPT, TABLE_ACCEPT, call, open, readBody, waitFor } from '../../helpers/fake-apiserver/client.ts';
import { failureOf } from '../../helpers/rejection.ts';

let dir = '';
let pki: Pki;
let s: FakeApiServer;
let http = '';

function pod(name: string, namespace: string, labels: Record<string, string>, phase = 'Running', containers = ['app']): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels },
    spec: { nodeName: 'node-a', containers: containers.map((c) => ({ name: c, image: 'img' })) },
    status: { phase, podIPs: [{ ip: '10.0.0.1' }], containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, state: { running: {} } })) },
  };
}

const json = (body: string): any => JSON.parse(body);

/** The error a promise fails with; the test fails if it succeeds. */
async function failure(p: Promise<unknown>): Promise<{ code?: string; partial?: string }> {
  return (await failureOf(p)) as { code?: string; partial?: string };
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fake-apiserver-'));
  pki = await makePki(join(dir, 'pki'));
  s = await startFakeApiServer({ unixSocket: join(dir, 'api.sock'), tcp: true, tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert }, token: 'T0ken' });
  http = s.httpUrl as string;
  s.addObject(pod('web-1', 'default', { app: 'web' }));
  s.addObject(pod('db-1', 'default', { app: 'db', tier: 'data' }, 'Pending'));
  s.addObject(pod('multi', 'default', {}, 'Running', ['a', 'b']));
});

test.after(async () => {
  await s.close();
  await rm(dir, { recursive: true, force: true });
});

test.before.each(() => {
  s.faults.length = 0;
});

test('version over the unix socket, indented like WriteRawJSON', async () => {
  const r = await call(s.unixUrl as string, '/version');
  assert.is(r.status, 200);
  assert.is(r.headers['content-type'], 'application/json');
  const v = json(r.body);
  assert.equal(Object.keys(v), ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']);
  assert.is(v.gitVersion, 'v1.32.4-fake');
  assert.ok(r.body.startsWith('{\n  "major": "1",'));
  assert.is(s.requests.at(-1)?.listener, 'unix');
});

test('aggregated discovery when asked for, legacy lists otherwise', async () => {
  const agg = await call(http, '/api', { headers: { accept: DISCOVERY_ACCEPT } });
  assert.is(agg.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const pods = json(agg.body).items[0].versions[0].resources.find((r: any) => r.resource === 'pods');
  assert.equal(pods.shortNames, ['po']);
  assert.equal(pods.categories, ['all']);
  assert.ok(pods.subresources.some((x: any) => x.subresource === 'log'));
  const apps = json((await call(http, '/apis', { headers: { accept: DISCOVERY_ACCEPT } })).body);
  assert.is(apps.items[0].metadata.name, 'apps');
  const v1 = json((await call(http, '/api/v1')).body);
  assert.equal(Object.keys(v1), ['kind', 'groupVersion', 'resources']);
  assert.ok(v1.resources.some((r: any) => r.name === 'pods/log' && r.kind === 'Pod'));
  assert.is(json((await call(http, '/api')).body).kind, 'APIVersions');
});

test('Table or JSON depending on the Accept header', async () => {
  const t = json((await call(http, '/api/v1/namespaces/default/pods', { headers: { accept: TABLE_ACCEPT } })).body);
  assert.is(t.kind, 'Table');
  assert.is(t.apiVersion, 'meta.k8s.io/v1');
  const names = t.columnDefinitions.map((c: any) => c.name);
  assert.equal(names, ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.equal(t.columnDefinitions.map((c: any) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1, 1]);
  const web = t.rows.find((r: any) => r.cells[0] === 'web-1');
  assert.equal(web.cells.slice(0, 4), ['web-1', '1/1', 'Running', '0']);
  assert.is(web.object.kind, 'PartialObjectMetadata');
  const full = json((await call(http, '/api/v1/namespaces/default/pods/web-1?includeObject=Object', { headers: { accept: TABLE_ACCEPT } })).body);
  assert.is(full.rows[0].object.kind, 'Pod');
  const list = json((await call(http, '/api/v1/namespaces/default/pods')).body);
  assert.is(list.kind, 'PodList');
  assert.is(list.items[0].kind, undefined);
  assert.ok(Number(list.metadata.resourceVersion) > 0);
});

test('404s: Status for API objects and routes, plain text elsewhere', async () => {
  const r = await call(http, '/api/v1/namespaces/default/pods/x');
  assert.is(r.status, 404);
  assert.is(r.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}\n');
  const d = json((await call(http, '/apis/apps/v1/namespaces/default/deployments/x')).body);
  assert.equal(d.details, { name: 'x', group: 'apps', kind: 'deployments' });
  assert.is(d.message, 'deployments.apps "x" not found');
  const route = await call(http, '/api/v1/foos');
  assert.is(json(route.body).message, 'the server could not find the requested resource');
  const plain = await call(http, '/nope');
  assert.is(plain.status, 404);
  assert.is(plain.body, '404 page not found\n');
});

test('TLS wants the bearer token or a client certificate', async () => {
  const https = s.httpsUrl as string;
  const anon = await call(https, '/api/v1/pods', { ca: pki.ca.cert });
  assert.is(anon.status, 401);
  assert.is(anon.body, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n');
  assert.is((await call(https, '/api/v1/pods', { ca: pki.ca.cert, headers: { authorization: 'Bearer T0ken' } })).status, 200);
  const withCert = await call(https, '/api/v1/pods', { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key });
  assert.is(withCert.status, 200);
  assert.is(s.requests.at(-1)?.clientCertSubject, 'CN=alice, O=dev');
  // A client cert the CA did not sign for client auth is refused, as VerifyClientCertIfGiven does.
  await failure(call(https, '/version', { ca: pki.ca.cert, cert: pki.expiredServer.cert, key: pki.expiredServer.key }));
});

test('paging with limit and continue', async () => {
  for (const n of ['p3', 'p1', 'p5', 'p2', 'p4']) s.addObject(pod(n, 'paging', { app: 'pg' }));
  const names: string[] = [];
  let path = '/api/v1/namespaces/paging/pods?limit=2';
  const first = json((await call(http, path)).body);
  assert.is(first.metadata.remainingItemCount, 3);
  for (let page = first; ; page = json((await call(http, path)).body)) {
    names.push(...page.items.map((p: any) => p.metadata.name));
    assert.is(page.metadata.resourceVersion, first.metadata.resourceVersion);
    if (!page.metadata.continue) break;
    path = `/api/v1/namespaces/paging/pods?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`;
  }
  assert.equal(names, ['p1', 'p2', 'p3', 'p4', 'p5']);
});

test('label and field selectors', async () => {
  const names = async (q: string): Promise<string[]> => json((await call(http, `/api/v1/namespaces/default/pods?${q}`)).body).items.map((p: any) => p.metadata.name);
  assert.equal(await names('labelSelector=app%20in%20(web,db)'), ['db-1', 'web-1']);
  assert.equal(await names('labelSelector=app,!tier'), ['web-1']);
  assert.equal(await names('labelSelector=app!=web'), ['db-1', 'multi']);
  assert.equal(await names('fieldSelector=status.phase%3DPending'), ['db-1']);
  assert.equal(await names('fieldSelector=metadata.name%3Dmulti'), ['multi']);
  const bad = await call(http, '/api/v1/pods?fieldSelector=spec.nope%3D1');
  assert.is(bad.status, 400);
  assert.is(json(bad.body).message, 'field label not supported: spec.nope');
});

test('logs: tail, timestamps, limitBytes, and container errors', async () => {
  const t = (sec: number): Date => new Date(Date.UTC(2024, 0, 2, 3, 4, sec, 678));
  s.setLogs('default', 'web-1', 'app', [{ time: t(1), text: 'one' }, { time: t(2), text: 'two' }]);
  const base = '/api/v1/namespaces/default/pods/web-1/log';
  assert.is((await call(http, base)).body, 'one\ntwo\n');
  assert.is((await call(http, `${base}?tailLines=1&timestamps=true`)).body, '2024-01-02T03:04:02.678000000Z two\n');
  assert.is((await call(http, `${base}?limitBytes=5`)).body, 'one\nt');
  assert.is((await call(http, `${base}?sinceTime=2024-01-02T03:04:02Z`)).body, 'two\n');
  const waiting = pod('starting', 'default', {});
  waiting['status'] = { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] };
  s.addObject(waiting);
  const creating = json((await call(http, '/api/v1/namespaces/default/pods/starting/log')).body);
  assert.is(creating.message, 'container "app" in pod "starting" is waiting to start: ContainerCreating');
  const bad = await call(http, `${base}?container=nope`);
  assert.is(bad.status, 400);
  assert.is(json(bad.body).message, 'container nope is not valid for pod web-1');
  const which = json((await call(http, '/api/v1/namespaces/default/pods/multi/log')).body);
  assert.is(which.message, 'a container name must be specified for pod multi, choose one of: [a b]');
  assert.is(json((await call(http, `${base}?previous=true`)).body).message, 'previous terminated container "app" in pod "web-1" not found');
});

test('log follow streams lines appended later, and ends with the pod', async () => {
  s.addObject(pod('follow-me', 'default', {}));
  s.setLogs('default', 'follow-me', 'app', ['first']);
  const res = await open(http, '/api/v1/namespaces/default/pods/follow-me/log?follow=true');
  assert.is(res.statusCode, 200);
  await waitFor(res, 'first\n');
  const later = waitFor(res, 'later\n');
  s.appendLogs('default', 'follow-me', 'app', ['later']);
  await later;
  const rest = readBody(res);
  s.deleteObject('pods', 'default', 'follow-me');
  assert.is(await rest, '');
});

test('watch from a list resourceVersion, and 410 once compacted', async () => {
  const list = json((await call(http, '/api/v1/namespaces/default/pods')).body);
  const rv = list.metadata.resourceVersion;
  const res = await open(http, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&labelSelector=app%3Dweb`);
  const modified = waitFor(res, '\n');
  const web = s.getObject('pods', 'default', 'web-1') as K8sObject;
  s.updateObject({ ...web, metadata: { ...web.metadata, labels: { app: 'web', v: '2' } } });
  const ev = json((await modified).trim());
  assert.is(ev.type, 'MODIFIED');
  assert.is(ev.object.metadata.labels.v, '2');
  res.destroy();
  s.compact();
  const old = await call(http, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`);
  const err = json(old.body.trim());
  assert.is(err.type, 'ERROR');
  assert.is(err.object.code, 410);
  assert.is(err.object.reason, 'Expired');
});

test('faults: drop before headers, and after N bytes of a stream', async () => {
  s.faults.push({ kind: 'drop', match: (r) => r.url === '/version' });
  assert.is((await failure(call(http, '/version'))).code, 'ECONNRESET');
  assert.is((await call(http, '/version')).status, 200);
  s.setLogs('default', 'web-1', 'app', ['0123456789']);
  s.faults.push({ kind: 'drop', afterBytes: 4 });
  const res = await open(http, '/api/v1/namespaces/default/pods/web-1/log?follow=true');
  assert.is((await failure(readBody(res))).partial, '0123');
});

test('faults: garbage, slow, status', async () => {
  s.faults.push({ kind: 'garbage' });
  assert.match(String((await failure(call(http, '/version'))).code), /^HPE_/);
  s.faults.push({ kind: 'slow', delayMs: 150 });
  const t0 = Date.now();
  assert.is((await call(http, '/version')).status, 200);
  assert.ok(Date.now() - t0 >= 140);
  const x509 = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'x509: certificate has expired or is not yet valid', reason: 'InternalError', code: 500 };
  s.faults.push({ kind: 'status', code: 500, body: x509, times: 2 });
  for (let i = 0; i < 2; i++) assert.equal(json((await call(s.unixUrl as string, '/api/v1/pods')).body), x509);
  s.faults.push({ kind: 'status', code: 403, body: 'Forbidden' });
  const forbidden = await call(http, '/api/v1/pods');
  assert.is(forbidden.status, 403);
  assert.is(forbidden.headers['content-type'], 'text/plain; charset=utf-8');
  assert.is(forbidden.body, 'Forbidden');
  assert.is(s.faults.length, 0);
});

test('close ends open streams and removes the unix socket', async () => {
  const sock = join(dir, 'closing.sock');
  const other = await startFakeApiServer({ unixSocket: sock });
  const res = await open(other.unixUrl as string, '/api/v1/namespaces?watch=true');
  await waitFor(res, 'kube-system');
  const ended = readBody(res);
  await other.close();
  await ended;
  assert.not.ok(existsSync(sock));
});

test('humanDuration follows apimachinery', () => {
  const s1 = 1000;
  const cases: Array<[number, string]> = [
    [-3 * s1, '<invalid>'], [-1 * s1, '0s'], [0, '0s'], [119 * s1, '119s'], [120 * s1, '2m'], [125 * s1, '2m5s'],
    [10 * 60 * s1, '10m'], [3 * 3600 * s1, '3h'], [3 * 3600 * s1 + 60 * s1, '3h1m'], [8 * 3600 * s1, '8h'],
    [48 * 3600 * s1, '2d'], [50 * 3600 * s1, '2d2h'], [8 * 86400 * s1, '8d'], [730 * 86400 * s1, '2y'], [731 * 86400 * s1, '2y1d'], [9 * 365 * 86400 * s1, '9y'],
  ];
  for (const [ms, want] of cases) assert.is(humanDuration(ms), want, `${ms}ms`);
});

test.run();
