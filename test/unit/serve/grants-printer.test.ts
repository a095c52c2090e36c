// `kubectl sock grants` output: kubectl's table layout, and JSON/YAML lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SocketStatus } from '../../../plugin/serve/control-api.ts';
import { formatSockets } from '../../../plugin/serve/grants-printer.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const list: SocketStatus[] = [
  { path: '/run/kubectl-sock/alice.sock', owner: 'alice', mode: '0600', identity: { username: 'alice' }, readOnly: false, connections: 3, source: 'config', definedIn: '/etc/s.yaml:4' },
  { path: '/run/kubectl-sock/ci.sock', owner: '1001', mode: '0600', identity: { username: 'ci', groups: ['a', 'b'] }, readOnly: true, expiresAt: '2030-01-01T07:59:30.000Z', connections: 0, source: 'grant', definedIn: '/var/lib/kubectl-sock/grants.yaml' },
];

test('formatSockets :: a table as kubectl lays one out: columns 3 spaces apart, <none>, time left as an age', () => {
  assert.is(formatSockets(list, '', NOW), [
    'PATH                           OWNER   IDENTITY   GROUPS   READ-ONLY   EXPIRES    CONNECTIONS   SOURCE',
    '/run/kubectl-sock/alice.sock   alice   alice      <none>   false       <never>    3             config',
    '/run/kubectl-sock/ci.sock      1001    ci         a,b      true        in 7h59m   0             grant',
    '',
  ].join('\n'));
  assert.is(formatSockets([], '', NOW), '');
});

test('formatSockets :: -o json and -o yaml: a SocketList with exact times', () => {
  const j = JSON.parse(formatSockets(list, 'json', NOW)) as { apiVersion: string; kind: string; items: SocketStatus[] };
  assert.equal([j.apiVersion, j.kind, j.items], ['sock.kubectl.io/v1alpha1', 'SocketList', list]);
  assert.match(formatSockets(list, 'json', NOW), /^\{\n    "apiVersion": "sock\.kubectl\.io\/v1alpha1",\n    "items": \[/);
  assert.match(formatSockets(list, 'yaml', NOW), /^apiVersion: sock\.kubectl\.io\/v1alpha1\nitems:\n- connections: 3\n  definedIn: \/etc\/s\.yaml:4\n/);
});

test.run();
