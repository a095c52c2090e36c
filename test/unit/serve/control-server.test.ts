// The control socket: its folder is the lock (created 0700; anything wider, a
// symlink or another owner's folder refused), and its JSON protocol.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { ControlRefusal, type SocketStatus } from '../../../plugin/serve/control-api.ts';
import { controlCall } from '../../../plugin/serve/control-client.ts';
import { prepareControlDir, startControlServer } from '../../../plugin/serve/control-server.ts';
import { SockError } from '../../../plugin/errors.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../helpers/rejection.ts';

const me = userInfo().uid;

async function refusal(dir: string): Promise<string> {
  const err = await failureOf(prepareControlDir(dir, me));
  assert.instance(err, SockError);
  return (err as Error).message;
}

test('prepareControlDir :: makes a missing folder 0700; keeps an existing 0700 one of ours', async () => {
  const dir = join(tempDir('ksock-ctl-'), 'control');
  assert.equal(await prepareControlDir(dir, me), { created: true });
  assert.is(lstatSync(dir).mode & 0o777, 0o700);
  assert.equal(await prepareControlDir(dir, me), { created: false });
});

test('prepareControlDir :: refuses a folder others may enter, a symlink, a file, and another user\'s folder', async () => {
  const base = tempDir('ksock-ctl-');
  const wide = join(base, 'wide');
  mkdirSync(wide);
  chmodSync(wide, 0o711);
  assert.is(await refusal(wide), `refusing the control socket's folder ${wide}: its mode is 0711; it must be a folder only uid ${me} may enter (mode 0700), so that only the server's own user can grant and revoke`);
  const link = join(base, 'link');
  mkdirSync(join(base, 'real'), { mode: 0o700 });
  symlinkSync(join(base, 'real'), link);
  assert.match(await refusal(link), `${link}: it is a symbolic link;`);
  const theirs = join(base, 'theirs');
  mkdirSync(theirs, { mode: 0o700 });
  chownSync(theirs, 65534, 65534);
  assert.match(await refusal(theirs), `${theirs}: it is owned by uid 65534;`);
});

test('control server :: list, grant and revoke over the socket; refusals carry their status and message', async () => {
  const path = join(tempDir('ksock-ctl-'), 'control', 's.sock');
  const status: SocketStatus = { path: '/run/a.sock', owner: 'a', mode: '0600', identity: { username: 'a' }, readOnly: false, connections: 0, source: 'grant', definedIn: '/x' };
  const server = await startControlServer(path, me, {
    list: () => [status],
    grant: async (r) => {
      if (r.user === 'bad') throw new ControlRefusal(409, 'no, not bad');
      return { ...status, owner: r.user };
    },
    revoke: async (t) => ({ revoked: [{ path: t, connections: 2 }] }),
  });
  assert.is(lstatSync(path).mode & 0o777, 0o600);
  assert.equal(await controlCall(path, 'GET', '/v1/sockets'), { sockets: [status] });
  assert.is((await controlCall<SocketStatus>(path, 'POST', '/v1/grants', { user: 'zed' })).owner, 'zed');
  assert.equal(await controlCall(path, 'DELETE', '/v1/grants?target=%2Frun%2Fa.sock'), { revoked: [{ path: '/run/a.sock', connections: 2 }] });
  assert.is((await failureOf(controlCall(path, 'POST', '/v1/grants', { user: 'bad' })) as Error).message, 'no, not bad');
  assert.is((await failureOf(controlCall(path, 'PUT', '/v1/x')) as Error).message, 'no such control request: PUT /v1/x');
  await server.close();
  assert.not.ok(existsSync(join(path, '..')), 'the folder it made is gone');
  assert.match((await failureOf(controlCall(path, 'GET', '/v1/sockets')) as Error).message, `no kubectl sock serve is listening on ${path}: dial unix ${path}: connect: no such file or directory`);
});

test.run();
