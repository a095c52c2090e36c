// The socket a grant request asks for, and each refusal naming its argument or flag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControlRefusal } from '../../../plugin/serve/control-api.ts';
import { specFromGrant } from '../../../plugin/serve/grant-spec.ts';

const NOW = Date.UTC(2030, 0, 1);

test('specFromGrant :: USER alone: USER.sock in the grant folder, acting as USER, 0600, no expiry', () => {
  assert.equal(specFromGrant({ user: 'alice' }, '/run/kubectl-sock', NOW), {
    path: '/run/kubectl-sock/alice.sock', owner: 'alice', mode: 0o600, as: 'alice', asGroups: [], readOnly: false, acceptPaths: '^.*', rejectPaths: '', rejectMethods: '^$',
  });
});

test('specFromGrant :: every flag; --expire-after becomes a fixed time', () => {
  const s = specFromGrant({ user: '1001', as: 'ci', asGroups: ['a', 'b'], asUid: 'u', readOnly: true, expireAfter: '90m', path: '/srv/ci.sock' }, '/run/x', NOW);
  assert.equal(s, { path: '/srv/ci.sock', owner: '1001', mode: 0o600, as: 'ci', asGroups: ['a', 'b'], asUid: 'u', readOnly: true, expiresAt: NOW + 90 * 60_000, acceptPaths: '^.*', rejectPaths: '', rejectMethods: '^$' });
});

test('specFromGrant :: a number where a name is expected is read as a uid, as chown reads it', () => {
  assert.is(specFromGrant({ user: 7 as never, as: 'x' }, '/run/k', NOW).owner, '7');
});

const refusals: Array<[Parameters<typeof specFromGrant>[0], string]> = [
  [{ user: '' }, 'USER: must not be empty'],
  [{ user: 'a/b' }, 'USER: "a/b" is not a user or group name'],
  [{ user: '1001' }, '--as: required when USER is a uid (1001): the Kubernetes user to act as'],
  [{ user: 'alice', path: 'rel.sock' }, '--path: want an absolute path, got "rel.sock"'],
  [{ user: 'alice', as: '' }, '--as: must not be empty'],
  [{ user: 'alice', asGroups: ['ok', 'bad\r'] }, '--as-group: "bad\\r" contains a control character'],
  [{ user: 'alice', asGroups: 'x' as never }, '--as-group: want a list'],
  [{ user: 'alice', readOnly: 'yes' as never }, '--read-only: want true or false, got "yes"'],
  [{ user: 'alice', expireAfter: '0s' }, '--expire-after: want a duration above zero such as 8h or 30m, got "0s"'],
  [{ user: 'alice', expireAfter: 'x' }, '--expire-after: time: invalid duration "x"'],
];

for (const [req, message] of refusals) {
  test(`specFromGrant :: refuses ${JSON.stringify(req)}`, () => {
    let err: unknown;
    try {
      specFromGrant(req, '/run/kubectl-sock', NOW);
    } catch (e) {
      err = e;
    }
    assert.instance(err, ControlRefusal);
    assert.is((err as ControlRefusal).status, 400);
    assert.is((err as Error).message, message);
  });
}

test.run();
