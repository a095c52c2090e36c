import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goTypeName, labelSelectorString, selectorForObject, type WorkloadObject } from '../../../../plugin/kube/logs/selectors.ts';
import { allContainerNames, byLogging, findContainer, type Pod } from '../../../../plugin/kube/logs/pods.ts';
import { prefixOf, targetsForPod } from '../../../../plugin/kube/logs/targets.ts';

const obj = (kind: string, spec: Record<string, unknown>, name = 'x'): WorkloadObject => ({ kind, metadata: { name, namespace: 'ns' }, spec });

test('labelSelectorString :: labels.Selector.String(): sorted by key, values sorted, nil and empty select ""', () => {
  assert.is(labelSelectorString({ matchLabels: { tier: 'fe', app: 'web' } }), 'app=web,tier=fe');
  assert.is(labelSelectorString({
    matchLabels: { b: '1' },
    matchExpressions: [
      { key: 'z', operator: 'NotIn', values: ['y', 'x'] }, { key: 'a', operator: 'In', values: ['2', '1'] },
      { key: 'c', operator: 'Exists' }, { key: 'd', operator: 'DoesNotExist' },
    ],
  }), 'a in (1,2),b=1,c,!d,z notin (x,y)');
  assert.is(labelSelectorString(undefined), '');
  assert.is(labelSelectorString({}), '');
  assert.throws(() => labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), /"Foo" is not a valid label selector operator/);
});

test('selectorForObject :: every workload kubectl can take logs of', () => {
  const sel = { matchLabels: { app: 'web' } };
  const cases: Array<[WorkloadObject, string, string]> = [
    [obj('Deployment', { selector: sel }), 'apps', 'v1'],
    [obj('Deployment', { selector: sel }), 'extensions', 'v1beta1'],
    [obj('ReplicaSet', { selector: sel }), 'apps', 'v1'],
    [obj('StatefulSet', { selector: sel }), 'apps', 'v1'],
    [obj('DaemonSet', { selector: sel }), 'apps', 'v1'],
    [obj('Job', { selector: sel }), 'batch', 'v1'],
    [obj('ReplicationController', { selector: { app: 'web' } }), '', 'v1'],
    [obj('Service', { selector: { app: 'web' } }), '', 'v1'],
  ];
  for (const [o, group, version] of cases) assert.equal(selectorForObject(o, group, version), { namespace: 'ns', selector: 'app=web' }, `${o.kind}.${group}`);
});

test('selectorForObject :: kubectl\'s errors, with Go\'s %T', () => {
  const fails = (o: WorkloadObject, group: string, message: string) => assert.throws(() => selectorForObject(o, group, 'v1'), (e: Error) => e.message === message, message);
  fails(obj('Service', {}, 'headless'), '', "cannot get the logs from *v1.Service: invalid service 'headless': Service is defined without a selector");
  fails(obj('ConfigMap', {}), '', 'cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented');
  fails(obj('CronJob', {}), 'batch', 'cannot get the logs from *v1.CronJob: selector for *v1.CronJob not implemented');
  fails(obj('Widget', {}), 'example.com', 'cannot get the logs from *unstructured.Unstructured: selector for *unstructured.Unstructured not implemented');
  fails(obj('Deployment', { selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } }), 'apps', 'cannot get the logs from *v1.Deployment: invalid label selector: "Nope" is not a valid label selector operator');
  assert.is(goTypeName('networking.k8s.io', 'v1', 'Ingress'), '*v1.Ingress');
});

function pod(name: string, o: { node?: string; phase?: string; readySince?: string | null; restarts?: number; created?: string } = {}): Pod {
  const conditions = o.readySince === undefined ? [] : o.readySince === null ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }];
  return {
    metadata: { name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
    spec: { nodeName: o.node ?? 'n', containers: [{ name: 'app' }] },
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ restartCount: o.restarts ?? 0 }] },
  };
}

test('byLogging :: podutils.ByLogging, rule by rule', () => {
  const order = (...pods: Pod[]) => [...pods].reverse().sort(byLogging).map((p) => p.metadata.name);
  assert.equal(order(pod('assigned'), pod('unassigned', { node: '' })), ['assigned', 'unassigned']);
  assert.equal(order(pod('running'), pod('unknown', { phase: 'Unknown' }), pod('pending', { phase: 'Pending' })), ['running', 'unknown', 'pending']);
  assert.equal(order(pod('ready', { readySince: '2024-01-01T00:00:00Z' }), pod('not-ready', { readySince: null })), ['ready', 'not-ready']);
  assert.equal(order(pod('ready-longer', { readySince: '2024-01-01T00:00:00Z' }), pod('ready-later', { readySince: '2024-01-02T00:00:00Z' })), ['ready-longer', 'ready-later']);
  assert.equal(order(pod('restarted', { restarts: 3 }), pod('steady', { restarts: 0 })), ['restarted', 'steady']);
  assert.equal(order(pod('older', { created: '2024-01-01T00:00:00Z' }), pod('newer', { created: '2024-01-02T00:00:00Z' })), ['older', 'newer']);
  assert.equal([pod('b'), pod('a')].sort(byLogging).map((p) => p.metadata.name), ['b', 'a'], 'ties keep list order');
});

const full: Pod = {
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [{ name: 'app' }, { name: 'sidecar' }], initContainers: [{ name: 'init' }], ephemeralContainers: [{ name: 'debug' }] },
};

test('containers :: podcmd lookups', () => {
  assert.is(allContainerNames(full), 'app, sidecar, debug (ephem), init (init)');
  assert.equal(findContainer(full, 'init')?.fieldPath, 'spec.initContainers{init}');
  assert.equal(findContainer(full, 'debug')?.fieldPath, 'spec.ephemeralContainers{debug}');
  assert.is(findContainer(full, 'nope'), undefined);
});

test('targetsForPod :: the default container, and what kubectl says about it', () => {
  const notes: string[] = [];
  const choose = (pod: Pod, container = '', allPods = false) => targetsForPod(pod, { container, allContainers: false, allPods, warn: (l) => notes.push(l) }).map((t) => t.container);
  assert.equal(choose(full), ['app']);
  assert.equal(notes.splice(0), ['Defaulted container "app" out of: app, sidecar, debug (ephem), init (init)']);
  assert.equal(choose(full, '', true), ['app']);
  assert.equal(notes.splice(0), [], '--all-pods says nothing');
  const annotated = (name: string): Pod => ({ ...full, metadata: { ...full.metadata, annotations: { 'kubectl.kubernetes.io/default-container': name } } });
  assert.equal(choose(annotated('init')), ['init']);
  assert.equal(notes.splice(0), []);
  assert.equal(choose(annotated('gone')), ['app']);
  assert.equal(notes.splice(0), ['Default container name "gone" not found in pod p', 'Defaulted container "app" out of: app, sidecar, debug (ephem), init (init)']);
  assert.equal(choose({ metadata: { name: 'one' }, spec: { containers: [{ name: 'only' }] } }), ['only']);
  assert.equal(notes.splice(0), []);
  assert.equal(choose(full, 'sidecar'), ['sidecar']);
  assert.throws(() => choose(full, 'nope'), (e: Error) => e.message === 'container nope is not valid for pod p');
  assert.throws(() => choose({ metadata: { name: 'empty' }, spec: { containers: [] } }), /pod empty does not have any containers/);
});

test('targetsForPod :: --all-containers: init, regular, ephemeral, silently', () => {
  const notes: string[] = [];
  const targets = targetsForPod(full, { container: '', allContainers: true, allPods: false, warn: (l) => notes.push(l) });
  assert.equal(targets.map(prefixOf), ['[pod/p/init] ', '[pod/p/app] ', '[pod/p/sidecar] ', '[pod/p/debug] ']);
  assert.equal(notes, []);
});

test.run();
