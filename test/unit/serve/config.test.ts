// The serve config file: what a valid file means (defaults included), and every
// way a file can be wrong, each refused with one message naming the file, the
// line and the field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseServeConfig } from '../../../plugin/serve/config.ts';
import { ConfigError } from '../../../plugin/errors.ts';
import { GRANTS_KIND, grantsYaml } from '../../../plugin/serve/grants-store.ts';

const FILE = '/etc/kubectl-sock/serve.yaml';
const HEAD = 'apiVersion: sock.kubectl.io/v1alpha1\nkind: ServeConfig\n';
/** One socket entry, starting on line 4. */
const one = (more = '') => `${HEAD}sockets:\n- path: /run/ks/a.sock\n  owner: alice\n${more}`;

function refusal(text: string): string {
  try {
    parseServeConfig(FILE, text);
  } catch (err) {
    assert.instance(err, ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

test('parseServeConfig :: a minimal entry takes the defaults: 0600, as its owner, read-write, no expiry, no path refused', () => {
  const c = parseServeConfig(FILE, one());
  assert.equal(c.sockets, [{
    line: 4,
    spec: { path: '/run/ks/a.sock', owner: 'alice', mode: 0o600, as: 'alice', asGroups: [], readOnly: false, acceptPaths: '^.*', rejectPaths: '', rejectMethods: '^$' },
  }]);
});

test('parseServeConfig :: every field', () => {
  const c = parseServeConfig(FILE, one([
    '  group: devs', '  mode: "0660"', '  as: alice@example.com', '  asGroups: [devs, "system:authenticated"]', '  asUid: "42"',
    '  readOnly: yes', '  expireAfter: 8h', '  acceptPaths: ^/api', '  rejectPaths: [^/api/v1/secrets, ^/apis/rbac]', '  rejectMethods: POST,PUT',
    '  maxConnections: 1024', '',
  ].join('\n')));
  assert.equal(c.sockets[0]?.spec, {
    path: '/run/ks/a.sock', owner: 'alice', mode: 0o660, as: 'alice@example.com', asGroups: ['devs', 'system:authenticated'], group: 'devs', asUid: '42',
    readOnly: true, expireAfterMs: 8 * 3_600_000, acceptPaths: '^/api', rejectPaths: '^/api/v1/secrets,^/apis/rbac', rejectMethods: 'POST,PUT',
    maxConnections: 1024,
  });
});

test('parseServeConfig :: mode as written: an unquoted 0600 or 660 is octal; an owner may be a uid; expiresAt is RFC 3339', () => {
  for (const [m, want] of [['0600', 0o600], ['600', 0o600], ['0o640', 0o640], ['"0640"', 0o640]] as const) {
    assert.is(parseServeConfig(FILE, one(`  mode: ${m}\n  group: 10\n`)).sockets[0]?.spec.mode, want, m);
  }
  const s = parseServeConfig(FILE, `${HEAD}sockets:\n- path: /run/ks/u.sock\n  owner: 1001\n  as: ci\n  expiresAt: 2030-01-02T03:04:05Z\n`).sockets[0]?.spec;
  assert.is(s?.owner, '1001');
  assert.is(s?.expiresAt, Date.UTC(2030, 0, 2, 3, 4, 5));
});

test('parseServeConfig :: no sockets at all is a valid file (a server for grants only)', () => {
  assert.equal(parseServeConfig(FILE, HEAD).sockets, []);
  assert.equal(parseServeConfig(FILE, `${HEAD}sockets: []\n`).sockets, []);
});

const bad: Array<[name: string, text: string, message: string]> = [
  ['empty file', '', `${FILE}:1: the file is empty`],
  ['not a map', '- a\n', `${FILE}:1: want a map with apiVersion: sock.kubectl.io/v1alpha1 and kind: ServeConfig`],
  ['yaml syntax (found at the end of the stream)', one('  as: "alice\n'), `${FILE}:7: yaml: Missing closing "quote`],
  ['duplicate key', one('  owner: bob\n'), `${FILE}:6: yaml: Map keys must be unique`],
  ['wrong apiVersion', 'apiVersion: v1\nkind: ServeConfig\n', `${FILE}:1: apiVersion: want sock.kubectl.io/v1alpha1, got "v1"`],
  ['missing kind', 'apiVersion: sock.kubectl.io/v1alpha1\n', `${FILE}:1: kind: missing; want ServeConfig`],
  ['wrong kind', `apiVersion: sock.kubectl.io/v1alpha1\nkind: ${GRANTS_KIND}\n`, `${FILE}:2: kind: want ServeConfig, got "ServeGrants"`],
  ['unknown top-level field', `${HEAD}socket: []\n`, `${FILE}:3: socket: unknown field; known fields: apiVersion, kind, sockets`],
  ['sockets not a list', `${HEAD}sockets: 3\n`, `${FILE}:3: sockets: want a list of sockets`],
  ['an entry not a map', `${HEAD}sockets:\n- 3\n`, `${FILE}:4: sockets[0]: want a map with path, owner, …`],
  ['unknown field (a misspelt readOnly)', one('  readonly: true\n'), `${FILE}:6: sockets[0].readonly: unknown field; known fields: path, owner, group, mode, as, asGroups, asUid, readOnly, expireAfter, expiresAt, acceptPaths, rejectPaths, rejectMethods, maxConnections`],
  ['maxConnections not a whole number', one('  maxConnections: -1\n'), `${FILE}:6: sockets[0].maxConnections: want a whole number of connections (0: no limit), got "-1"`],
  ['maxConnections a word', one('  maxConnections: many\n'), `${FILE}:6: sockets[0].maxConnections: want a whole number of connections (0: no limit), got "many"`],
  ['no path', `${HEAD}sockets:\n- owner: alice\n`, `${FILE}:4: sockets[0].path: required`],
  ['no owner', `${HEAD}sockets:\n- path: /run/ks/a.sock\n`, `${FILE}:4: sockets[0].owner: required`],
  ['relative path', `${HEAD}sockets:\n- path: ks/a.sock\n  owner: alice\n`, `${FILE}:4: sockets[0].path: want an absolute path, got "ks/a.sock"`],
  ['unclean path', `${HEAD}sockets:\n- path: /run/../etc/a.sock\n  owner: alice\n`, `${FILE}:4: sockets[0].path: want a clean path (no //, . or .. segments, no trailing /), got "/run/../etc/a.sock"`],
  ['path too long', `${HEAD}sockets:\n- path: /${'x'.repeat(110)}\n  owner: alice\n`, `${FILE}:4: sockets[0].path: the path is too long for a unix socket (111 bytes; at most 107)`],
  ['path as a list', `${HEAD}sockets:\n- path: [/a]\n  owner: alice\n`, `${FILE}:4: sockets[0].path: want a string, got a list`],
  ['owner with a colon', `${HEAD}sockets:\n- path: /run/ks/a.sock\n  owner: "alice:devs"\n`, `${FILE}:5: sockets[0].owner: "alice:devs" is not a user or group name`],
  ['owner uid -1', `${HEAD}sockets:\n- path: /run/ks/a.sock\n  owner: 4294967295\n  as: x\n`, `${FILE}:5: sockets[0].owner: 4294967295 is not a valid id`],
  ['a uid owner without as', `${HEAD}sockets:\n- path: /run/ks/a.sock\n  owner: 1001\n`, `${FILE}:4: sockets[0].as: required when owner is a uid (1001): the Kubernetes user to act as`],
  ['mode not octal', one('  mode: rw\n'), `${FILE}:6: sockets[0].mode: want an octal mode such as "0600" or "0660", got "rw"`],
  ['mode without owner rw', one('  mode: "0400"\n'), `${FILE}:6: sockets[0].mode: mode 0400: the owner needs read and write permission (0600)`],
  ['mode for everyone', one('  mode: "0666"\n  group: devs\n'), `${FILE}:6: sockets[0].mode: mode 0666 lets every local user act through the socket; at most 0660`],
  ['group bits without a group', one('  mode: "0660"\n'), `${FILE}:6: sockets[0].mode: mode 0660 lets a group in: name it with group`],
  ['setuid bits', one('  mode: "4600"\n'), `${FILE}:6: sockets[0].mode: want an octal mode such as "0600" or "0660", got "4600"`],
  ['empty as', one('  as: ""\n'), `${FILE}:6: sockets[0].as: must not be empty`],
  ['as with a newline', one('  as: "alice\\nImpersonate-Group: system:masters"\n'), `${FILE}:6: sockets[0].as: "alice\\nImpersonate-Group: system:masters" contains a control character`],
  ['asGroups not a list', one('  asGroups: devs\n'), `${FILE}:6: sockets[0].asGroups: want a list of group names`],
  ['readOnly not a bool', one('  readOnly: maybe\n'), `${FILE}:6: sockets[0].readOnly: want true or false, got "maybe"`],
  ['bad duration', one('  expireAfter: 8 hours\n'), `${FILE}:6: sockets[0].expireAfter: time: unknown unit " hours" in duration "8 hours"`],
  ['zero duration', one('  expireAfter: 0s\n'), `${FILE}:6: sockets[0].expireAfter: want a duration above zero such as 8h or 30m, got "0s"`],
  ['bad time', one('  expiresAt: tomorrow\n'), `${FILE}:6: sockets[0].expiresAt: parsing time "tomorrow" as "2006-01-02T15:04:05Z07:00": cannot parse "tomorrow" as "2006"`],
  ['both expiries', one('  expireAfter: 1h\n  expiresAt: 2030-01-01T00:00:00Z\n'), `${FILE}:7: sockets[0].expiresAt: give expireAfter or expiresAt, not both`],
  ['bad regular expression', one("  rejectPaths: ['(']\n"), `${FILE}:6: sockets[0].rejectPaths: invalid regular expression /(/: Unterminated group`],
  ['a comma inside a list item', one("  rejectMethods: ['POST,PUT']\n"), `${FILE}:6: sockets[0].rejectMethods: item 0: a comma splits expressions, as in proxy's --reject-methods; write each as its own item`],
  ['one path twice', `${one()}- path: /run/ks/a.sock\n  owner: bob\n`, `${FILE}:6: sockets[1].path: /run/ks/a.sock is also the path of sockets[0] (line 4)`],
];

for (const [name, text, message] of bad) {
  test(`parseServeConfig :: refuses ${name}`, () => {
    assert.is(refusal(text), message);
  });
}

test('grantsYaml :: the grants file has the config\'s shape and reads back to the same specs', () => {
  const specs = parseServeConfig(FILE, one('  asGroups: [devs]\n  readOnly: true\n  expiresAt: 2030-01-02T03:04:05.678Z\n')).sockets.map((s) => s.spec);
  const text = grantsYaml(specs);
  assert.match(text, /^# Written by kubectl sock serve/);
  assert.equal(parseServeConfig('/var/lib/kubectl-sock/grants.yaml', text, GRANTS_KIND).sockets.map((s) => s.spec), specs);
});

test.run();
