import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { RestConfig } from '../../../../plugin/kube/clientcmd/client-config.ts';
import { resolveServerAddress } from '../../../../plugin/transport/address.ts';
import { ApiError, formatError } from '../../../../plugin/errors.ts';
import type { ApiResource } from '../../../../plugin/kube/discovery/discovery.ts';
import { directTarget } from '../../../../plugin/kube/logs/direct-reader.ts';
import { viaDirectReader, type LogsClient } from '../../../../plugin/kube/logs/logs-client.ts';
import { lookupSource, podsOf, splitResourceArg, type LogSource } from '../../../../plugin/kube/logs/resolve.ts';
import { BACKEND_TLS_HINT, invalidMessage, isBackendTlsError, logsErrorText } from '../../../../plugin/kube/logs/report.ts';
import { startFakeApiServer, type FakeApiServer } from '../../../helpers/fake-apiserver.ts';
import { tempDir } from '../../../helpers/kubeconfig-builder.ts';

let api: FakeApiServer;
let client: LogsClient;
const DEPLOYMENTS: ApiResource = { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: [], verbs: [], preferred: true };
const resourceType = async (name: string): Promise<ApiResource> => {
  if (name === 'deploy') return DEPLOYMENTS;
  throw new Error(`the server doesn't have a resource type "${name}"`);
};

test.before(async () => {
  api = await startFakeApiServer({ unixSocket: join(tempDir('ksock-resolve-'), 'api.sock') });
  const address = resolveServerAddress(api.unixUrl as string, { baseDir: '/', home: '/', defaultTLS: false });
  const config: RestConfig = { address, tls: { insecure: false }, credentials: {}, impersonate: { groups: [], extra: {} }, namespace: 'default', namespaceExplicit: false, contextName: '', timeoutMs: 0, disableCompression: false, credentialsDropped: false };
  client = viaDirectReader(directTarget(config, {}, 0) as NonNullable<ReturnType<typeof directTarget>>, new AbortController().signal);
  api.addObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'later', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'later' } } } });
  api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'p' } }, spec: { containers: [{ name: 'c' }] } });
});

test.after(async () => {
  await api.close();
});

test('splitResourceArg :: cli-runtime\'s TYPE/NAME rules', () => {
  assert.equal(splitResourceArg('web'), { name: 'web' });
  assert.equal(splitResourceArg('deploy/web'), { type: 'deploy', name: 'web' });
  for (const bad of ['pod/', '/web', 'a,b/web', 'a,/web']) assert.throws(() => splitResourceArg(bad), /must have a single resource and name/, bad);
  assert.throws(() => splitResourceArg('a/b/c'), /may not have more than one slash/);
});

test('lookupSource :: a missing object in kubectl\'s lower-case wrapping; a bad selector with cli-runtime\'s lead', async () => {
  const warn: string[] = [];
  const api2 = { client, resourceType };
  const missing = await lookupSource(api2, 'default', 'nosuch', '', (l) => warn.push(l)).catch((e: unknown) => e);
  assert.is(formatError(missing).text, 'error: error from server (NotFound): pods "nosuch" not found in namespace "default"');
  const dep = await lookupSource(api2, 'default', 'deploy/nope', '', (l) => warn.push(l)).catch((e: unknown) => e);
  assert.is(formatError(dep).text, 'error: error from server (NotFound): deployments.apps "nope" not found in namespace "default"');
  const bad = await lookupSource(api2, 'default', '', 'a b', (l) => warn.push(l)).catch((e: unknown) => e);
  assert.match(formatError(bad).text, /^Error from server \(BadRequest\): Unable to find "\/v1, Resource=pods" that match label selector "a b", field selector "": /);
  const none = await lookupSource(api2, 'default', '', 'app=zzz', (l) => warn.push(l));
  assert.equal(none, { kind: 'podList', pods: [] });
  assert.equal(warn, ['No resources found in default namespace.']);
});

test('podsOf :: waits for a workload\'s first pod, up to the timeout', async () => {
  const src = await lookupSource({ client, resourceType }, 'default', 'deploy/later', '', () => undefined);
  assert.is(src.kind, 'workload');
  const t0 = Date.now();
  const timedOut = await podsOf(client, src, { allPods: false, podRunningTimeoutMs: 300, signal: new AbortController().signal, warn: () => undefined }).catch((e: unknown) => e);
  assert.is((timedOut as Error).message, 'timed out waiting for the condition');
  assert.ok(Date.now() - t0 >= 290);
  setTimeout(() => api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late', namespace: 'default', labels: { app: 'later' } }, spec: { containers: [{ name: 'c' }] } }), 200);
  const pods = await podsOf(client, src as LogSource, { allPods: false, podRunningTimeoutMs: 5000, signal: new AbortController().signal, warn: () => undefined });
  assert.equal(pods.map((p) => p.metadata.name), ['late']);
  const watch = api.requests.filter((r) => r.url.includes('watch=true')).map((r) => r.url);
  assert.match(watch.at(-1) as string, /^\/api\/v1\/namespaces\/default\/pods\?labelSelector=app%3Dlater&resourceVersion=\d+&watch=true$/);
});

test('report :: kubectl\'s Invalid wording and the backend-TLS hint', () => {
  const invalid = new ApiError(422, 'Invalid', 'x', {
    details: { kind: 'PodLogOptions', name: 'p', causes: [{ field: 'sinceSeconds', message: 'Invalid value: 0: must be greater than 0' }] },
  });
  assert.is(invalidMessage(invalid), 'The PodLogOptions "p" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0');
  const two = new ApiError(422, 'Invalid', 'x', { details: { kind: 'K', name: 'n', causes: [{ field: 'a', message: 'm1' }, { field: 'b', message: 'm2' }, { field: 'a', message: 'm1' }] } });
  assert.is(invalidMessage(two), 'The K "n" is invalid: \n* a: m1\n* b: m2');
  const tls = new ApiError(500, '', 'Get "https://10.0.0.1:10250/containerLogs/ns/p/c": tls: failed to verify certificate: x509: certificate signed by unknown authority');
  assert.ok(isBackendTlsError(tls));
  assert.not.ok(isBackendTlsError(new ApiError(500, 'InternalError', 'x509: no')));
  assert.is(logsErrorText(tls, false), `Error from server: ${tls.message}\n${BACKEND_TLS_HINT}`);
  assert.is(logsErrorText(tls, true), undefined, 'no hint when the flag was already given');
  assert.is(logsErrorText(new ApiError(404, 'NotFound', 'x'), false), undefined);
});

test.run();
