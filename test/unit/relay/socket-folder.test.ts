// OpenSSH StrictModes for a socket's path (issue #18, finding 2): every folder on
// it, as given and as resolved, must belong to root or the serving user (serve:
// also the socket's owner, for its own folder) and must not be writable by
// group or others unless sticky; in a sticky folder the socket's name must not
// be another user's. Ownership is real: folders are chown-ed to nobody.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync, lchownSync } from 'node:fs';
import { join } from 'node:path';
import { checkSocketPath, type FolderRules } from '../../../plugin/relay/socket-folder.ts';
import { SockError } from '../../../plugin/errors.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { failureOf } from '../../helpers/rejection.ts';

const NOBODY = 65534;
const ME = process.geteuid?.() ?? 0;
const rules: FolderRules = { uid: ME, allowShared: false };
const ESCAPE = '; use a private folder or pass --allow-shared-dir';

function folder(path: string, uid: number, mode: number): string {
  mkdirSync(path);
  chownSync(path, uid, uid);
  chmodSync(path, mode);
  return path;
}

async function why(path: string, r: FolderRules = rules): Promise<string | undefined> {
  const err = await failureOf(checkSocketPath(path, r)).catch(() => undefined);
  if (err === undefined) return undefined;
  assert.instance(err, SockError);
  return err.message;
}

test('checkSocketPath :: a private folder of mine, and a sticky one root owns (as /tmp), pass', async () => {
  const base = tempDir('ksock-sfold-');
  assert.is(await why(join(folder(join(base, 'mine'), ME, 0o700), 'kube.sock')), undefined);
  assert.is(await why(join(folder(join(base, 'tmp'), 0, 0o1777), 'kube.sock')), undefined);
});

test('checkSocketPath :: a folder another user owns is refused, whatever its mode (0755, 0700, sticky 1777)', async () => {
  const base = tempDir('ksock-sfold-');
  chmodSync(base, 0o755);
  for (const mode of [0o755, 0o700, 0o1777]) {
    const f = folder(join(base, `theirs-${mode.toString(8)}`), NOBODY, mode);
    assert.is(await why(join(f, 'kube.sock')), `refusing to create a socket in ${f}: the folder belongs to another user (uid ${NOBODY}), who could replace the socket${ESCAPE}`);
  }
});

test('checkSocketPath :: a folder above it that others may write to (or own) is refused', async () => {
  const base = tempDir('ksock-sfold-');
  const sh = folder(join(base, 'sh'), ME, 0o777);
  const sub = folder(join(sh, 'sub'), ME, 0o700);
  assert.is(await why(join(sub, 'kube.sock')), `refusing to create a socket in ${sub}: the folder ${sh} above it is writable by other users (mode 0777) and has no sticky bit, so they could replace the folder${ESCAPE}`);
  const grp = folder(join(base, 'grp'), ME, 0o770);
  const inner = folder(join(grp, 'inner'), ME, 0o700);
  assert.match(await why(join(inner, 'kube.sock')) ?? '', /the folder \S+\/grp above it is writable by other users \(mode 0770\)/);
  const theirs = folder(join(base, 'theirs'), NOBODY, 0o755);
  const mine = folder(join(theirs, 'mine'), ME, 0o700);
  assert.is(await why(join(mine, 'kube.sock')), `refusing to create a socket in ${mine}: the folder ${theirs} above it belongs to another user (uid ${NOBODY}), who could replace the folder${ESCAPE}`);
});

test('checkSocketPath :: a symbolic link on the path must not be another user\'s; its target is walked too', async () => {
  const base = tempDir('ksock-sfold-');
  const real = folder(join(base, 'real'), ME, 0o700);
  const sticky = folder(join(base, 'sticky'), 0, 0o1777);
  const link = join(sticky, 'link');
  symlinkSync(real, link);
  assert.is(await why(join(link, 'kube.sock')), undefined);
  lchownSync(link, NOBODY, NOBODY);
  assert.is(await why(join(link, 'kube.sock')), `refusing to create a socket in ${link}: ${link} is a symbolic link owned by another user (uid ${NOBODY}), who could point it elsewhere${ESCAPE}`);
  // A link of mine into a shared folder: the folder it leads to is judged.
  const shared = folder(join(base, 'shared'), ME, 0o777);
  const mine = join(real, 'to-shared');
  symlinkSync(shared, mine);
  assert.is(await why(join(mine, 'kube.sock')), `refusing to create a socket in ${mine}: the folder ${shared} it leads to is writable by other users (mode 0777) and has no sticky bit, so they could replace the socket${ESCAPE}`);
});

test('checkSocketPath :: in a sticky shared folder, a name another user holds is refused', async () => {
  const base = tempDir('ksock-sfold-');
  const tmp = folder(join(base, 'tmp'), 0, 0o1777);
  const planted = join(tmp, 'kube.sock');
  writeFileSync(planted, '');
  chownSync(planted, NOBODY, NOBODY);
  assert.is(await why(planted), `refusing to create a socket at ${planted}: another user (uid ${NOBODY}) has a file of that name in the sticky folder ${tmp}; use another name`);
  chownSync(planted, ME, ME);
  assert.is(await why(planted), undefined);
});

test('checkSocketPath :: serve may allow the socket\'s owner for that socket\'s own folder, and nowhere else', async () => {
  const base = tempDir('ksock-sfold-');
  chmodSync(base, 0o755);
  const home = folder(join(base, 'home'), NOBODY, 0o755);
  const kube = folder(join(home, '.kube'), NOBODY, 0o700);
  const serve = { ...rules, socketOwner: NOBODY };
  assert.is(await why(join(home, 'kube.sock'), serve), undefined);
  assert.match(await why(join(kube, 'kube.sock'), serve) ?? '', new RegExp(`the folder ${home} above it belongs to another user \\(uid ${NOBODY}\\)`));
  const open = folder(join(base, 'open'), NOBODY, 0o777);
  assert.match(await why(join(open, 'kube.sock'), serve) ?? '', /the folder is writable by other users \(mode 0777\)/);
});

test('checkSocketPath :: --allow-shared-dir accepts all of these; a missing folder is still an error', async () => {
  const base = tempDir('ksock-sfold-');
  const theirs = folder(join(base, 'theirs'), NOBODY, 0o777);
  assert.is(await why(join(theirs, 'kube.sock'), { ...rules, allowShared: true }), undefined);
  assert.match(await why(join(base, 'nope', 'kube.sock'), { ...rules, allowShared: true }) ?? '', /^cannot create a socket in \S+\/nope: no such file or directory$/);
});

test.run();
