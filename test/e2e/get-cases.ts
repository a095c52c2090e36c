// The `get` invocations the parity suites run: test/e2e/get.test.ts against the
// fake API server, and test/real/get.test.ts against a real kube-apiserver.
// Each is run by kubectl sock and by kubectl; stdout, stderr and exit code must match.

/** [group, args]: each becomes one test, named after what it covers. */
export const parityCases: Array<[string, string[]]> = [
  // Tables: server-side printing, columns, decoration.
  ['table', ['get', 'pods']],
  ['table', ['get', 'pods', '-n', 'ns1']],
  ['table -A adds NAMESPACE', ['get', 'pods', '-A']],
  ['table -o wide shows priority columns', ['get', 'pods', '-A', '-o', 'wide']],
  ['several types: kind/ prefix and a blank line', ['get', 'po,svc']],
  ['category all', ['get', 'all']],
  ['-L label columns', ['get', 'pods', '-n', 'ns1', '-L', 'app,tier']],
  ['-L with a prefixed key, --show-labels last', ['get', 'pods', '-L', 'app', '-L', 'example.com/team', '--show-labels']],
  ['--show-labels -A', ['get', 'pods', '--show-labels', '-A']],
  ['--no-headers', ['get', 'pods', '--no-headers', '-n', 'ns1']],
  ['--no-headers with several types: no blank line', ['get', 'pods,svc', '--no-headers']],
  ['--show-kind', ['get', 'pods', '--show-kind']],
  ['TYPE NAME', ['get', 'svc', 'web']],
  ['TYPE/NAME of two kinds', ['get', 'svc/web', 'deploy/web']],
  ['TYPE NAME NAME', ['get', 'pods', 'web-7d4b9c-x2x9k', 'api-5f6d7-m2n3b']],
  ['group-qualified name', ['get', 'deployments.apps']],
  ['version-qualified name and a kind', ['get', 'deploy.v1.apps', 'web']],
  ['kind as the type', ['get', 'Deployment', '-o', 'wide']],
  ['cluster-scoped type', ['get', 'ns']],
  ['cluster-scoped, wide', ['get', 'nodes', '-o', 'wide', '--show-labels']],
  // Paging: widths span every page, as kubectl prints nothing until the last one.
  ['--chunk-size=1', ['get', 'pods', '-n', 'chunky', '--chunk-size=1']],
  ['--chunk-size=2 -o wide', ['get', 'pods', '-n', 'chunky', '--chunk-size=2', '-o', 'wide']],
  ['--chunk-size=0', ['get', 'pods', '-n', 'ns1', '--chunk-size=0']],
  // --sort-by (includeObject=Object, no paging, Go's unstable sort for ties).
  ['--sort-by with ties', ['get', 'pods', '-n', 'ns1', '--sort-by=.status.phase']],
  ['--sort-by {…} form', ['get', 'pods', '-n', 'ns1', '--sort-by={.metadata.labels.tier}']],
  ['--sort-by nulls, quantities, strings', ['get', 'pods', '-n', 'nul', '--sort-by=.spec.foo']],
  ['--sort-by a timestamp across namespaces', ['get', 'pods', '-A', '--sort-by=.metadata.creationTimestamp', '--chunk-size=3']],
  ['--sort-by a missing field prints nothing', ['get', 'pods', '-n', 'ns1', '--sort-by=.spec.bogus']],
  ['--sort-by an object field is fatal', ['get', 'pods', '-n', 'ns1', '--sort-by=.spec']],
  ['--sort-by over several types', ['get', 'pods,svc', '--sort-by=.metadata.name']],
  // Selection.
  ['--field-selector', ['get', 'pods', '-A', '--field-selector', 'status.phase=Pending']],
  ['-l', ['get', 'pods', '-l', 'app=web']],
  ['-l set-based', ['get', 'pods', '-n', 'ns1', '-l', 'app in (a,bb),tier!=3']],
  ['--field-selector the server refuses', ['get', 'pods', '--field-selector', 'bogus=1']],
  // Empty results and errors, in kubectl's words.
  ['no resources in a namespace', ['get', 'pods', '-n', 'empty']],
  ['no resources across namespaces', ['get', 'pods', '-A', '-l', 'app=nothing']],
  ['no resources of a cluster-scoped type', ['get', 'nodes', '-l', 'nothing=here']],
  ['NotFound', ['get', 'pods', 'nope']],
  ['--ignore-not-found', ['get', 'pods', 'nope', '--ignore-not-found']],
  ['found and not found together', ['get', 'pods', 'nope', 'web-7d4b9c-x2x9k', 'other']],
  ['unknown type', ['get', 'nope']],
  ['unknown type among several', ['get', 'pods,nope']],
  ['no type', ['get']],
  ['TYPE and TYPE/NAME mixed', ['get', 'pods', 'x', 'pods/y']],
  ['two slashes', ['get', 'pods/a/b']],
  ['by name across namespaces', ['get', 'pods', '-A', 'x']],
  ['name with a selector', ['get', 'pods', '-l', 'app=web', 'x']],
  ['category with a name', ['get', 'all', 'x']],
  // --raw and its exclusions.
  ['--raw', ['get', '--raw', '/version']],
  ['--raw with a query', ['get', '--raw', '/api/v1/namespaces/default/pods?limit=1&labelSelector=app%3Dapi']],
  ['--raw NotFound', ['get', '--raw', '/api/v1/namespaces/default/pods/nope']],
  ['--raw and -o', ['get', '--raw', '/x', '-o', 'json']],
  ['--raw and arguments', ['get', '--raw', '/x', 'pods']],
  ['--raw and -l', ['get', '--raw', '/x', '-l', 'a=b']],
  ['--raw not a path', ['get', '--raw', 'x']],
  // Other validation.
  ['--show-labels with -o json', ['get', 'pods', '-o', 'json', '--show-labels']],
  ['--output-watch-events without -w', ['get', 'pods', '--output-watch-events']],
  ['-w over two types', ['get', 'pods,svc', '-w']],
  ['-w without a type', ['get', '-w']],
  // --subresource, and kubectl's client-side NAME/AGE when the answer is no Table.
  ['--subresource status (no Table: NAME AGE)', ['get', 'pod', 'web-7d4b9c-x2x9k', '--subresource', 'status']],
  ['--subresource on a collection', ['get', 'pods', '--subresource', 'status']],
  ['--server-print=false: client-side columns', ['get', 'pods', '-A', '--server-print=false', '--show-labels', '-L', 'app']],
];

/** -o printers (plugin/kube/printers, through plugin/kube/get/printers-adapter.ts). */
export const printerCases: string[][] = [
  ['get', 'pods', '-n', 'ns1', '-o', 'json'],
  ['get', 'pods', '-n', 'ns1', '-o', 'yaml'],
  ['get', 'pods,svc', '-o', 'name'],
  ['get', 'pod', 'web-7d4b9c-x2x9k', '-o', 'json'],
  ['get', 'pods', '-A', '-o', 'jsonpath={.items[*].metadata.name}'],
  ['get', 'pods', '-n', 'ns1', '-o', 'custom-columns=NAME:.metadata.name,PHASE:.status.phase', '--sort-by=.metadata.labels.tier'],
  ['get', 'pods', '-n', 'empty', '-o', 'json'],
  ['get', 'pods', 'nope', '-o', 'name'],
  ['get', 'pods', '-n', 'ns1', '-o', 'go-template={{range .items}}{{.metadata.name}} {{end}}'],
  ['get', 'pods', '-n', 'ns1', '-o', 'json', '--sort-by=.spec.bogus'],
  // Lists printed as their pages arrive (json, name): the same bytes as kubectl's whole List.
  ['get', 'pods', '-n', 'chunky', '--chunk-size=2', '-o', 'json'],
  ['get', 'pods', '-n', 'chunky', '--chunk-size=1', '-o', 'name'],
  ['get', 'pods,svc', '-o', 'json', '--chunk-size=1'],
  ['get', 'pods', '-n', 'empty', '-o', 'name'],
  ['get', 'pods', '-n', 'empty', '-o', 'json', '--ignore-not-found'],
  ['get', 'pods', '-n', 'chunky', '--chunk-size=2', '-o', 'JSON', '--show-managed-fields'],
];
