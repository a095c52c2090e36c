import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPlan, type BuildInput, type BuilderDeps } from '../../../../plugin/kube/get/builder.ts';
import type { ApiResource, Discovery } from '../../../../plugin/kube/discovery/discovery.ts';
import { resolveResourceType } from '../../../../plugin/kube/discovery/rest-mapper.ts';

const r = (group: string, resource: string, kind: string, namespaced: boolean, shortNames: string[] = [], categories: string[] = []): ApiResource => ({
  group, version: 'v1', resource, singular: kind.toLowerCase(), kind, namespaced, shortNames, categories, verbs: ['get', 'list', 'watch'], preferred: true,
});
const discovery: Discovery = {
  resources: [
    r('', 'pods', 'Pod', true, ['po'], ['all']),
    r('', 'services', 'Service', true, ['svc'], ['all']),
    r('', 'namespaces', 'Namespace', false, ['ns']),
    r('apps', 'deployments', 'Deployment', true, ['deploy'], ['all']),
  ],
};
const deps: BuilderDeps = { resourceType: async (name) => resolveResourceType(name, discovery), discovery: async () => discovery };
const input = (args: string[], o: Partial<BuildInput> = {}): BuildInput => ({
  args, namespace: 'default', allNamespaces: false, labelSelector: '', fieldSelector: '', subresource: '', singleResourceType: false, commandName: 'kubectl sock', ...o,
});
const shape = async (args: string[], o: Partial<BuildInput> = {}) => {
  const plan = await buildPlan(input(args, o), deps);
  return { single: plan.singleItemImplied, visits: plan.visits.map((v) => `${v.resource.resource}${v.name ? `/${v.name}` : ''}@${v.namespace}`) };
};

test('buildPlan :: TYPE lists; TYPE,TYPE lists each once; categories expand', async () => {
  assert.equal(await shape(['po']), { single: false, visits: ['pods@default'] });
  assert.equal(await shape(['pods,po,svc']), { single: false, visits: ['pods@default', 'services@default'] });
  assert.equal(await shape(['all']), { single: false, visits: ['pods@default', 'services@default', 'deployments@default'] });
  assert.equal(await shape(['ns']), { single: false, visits: ['namespaces@'] });
});

test('buildPlan :: TYPE NAME, TYPE/NAME and TYPE,TYPE NAME', async () => {
  assert.equal(await shape(['pods', 'a']), { single: true, visits: ['pods/a@default'] });
  assert.equal(await shape(['pods', 'a', 'b']), { single: false, visits: ['pods/a@default', 'pods/b@default'] });
  assert.equal(await shape(['svc/web']), { single: true, visits: ['services/web@default'] });
  assert.equal(await shape(['pods,svc', 'x']), { single: false, visits: ['pods/x@default', 'services/x@default'] });
});

const errors: Array<[string[], Partial<BuildInput>, string]> = [
  [['pods', 'x', 'pods/y'], {}, "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl sock get resource/<resource_name>' instead of 'kubectl sock get resource resource/<resource_name>'"],
  [['pods/a/b'], {}, 'arguments in resource/name form may not have more than one slash'],
  [['/a'], {}, 'arguments in resource/name form must have a single resource and name'],
  [['pods', 'x'], { labelSelector: 'a=b' }, 'name cannot be provided when a selector is specified'],
  [['pods/x'], { fieldSelector: 'a=b' }, 'selectors and the all flag cannot be used when passing resource/name arguments'],
  [['pods'], { subresource: 'status' }, 'subresource cannot be used when bulk resources are specified'],
  [['pods', 'x'], { allNamespaces: true, namespace: '' }, 'a resource cannot be retrieved by name across all namespaces'],
  [['all', 'x'], {}, 'you must specify only one resource'],
  [['pods,svc'], { singleResourceType: true }, 'you may only specify a single resource type'],
  [['nope'], {}, 'the server doesn\'t have a resource type "nope"'],
  [[], {}, "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"],
];
for (const [args, o, message] of errors) {
  test(`buildPlan :: kubectl's error for ${JSON.stringify(args)} ${JSON.stringify(o)}`, async () => {
    try {
      await buildPlan(input(args, o), deps);
      assert.unreachable('no error');
    } catch (err) {
      assert.is((err as Error).message, message);
    }
  });
}

test.run();
