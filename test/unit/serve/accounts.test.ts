// Local users and groups by name: the passwd/group files, then getent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAccounts, parseIdFile } from '../../../plugin/serve/accounts.ts';
import { testCtx } from '../../helpers/context.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

test('parseIdFile :: name → id, first entry wins, comments and broken lines skipped', () => {
  const ids = parseIdFile('root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1001:1001::/home/alice:/bin/sh\nbroken\nbad:x:notanumber:1\nalice:x:2002:2002::/:/bin/sh\n');
  assert.equal([...ids], [['root', 0], ['alice', 1001]]);
});

test('loadAccounts :: names from the files, numbers as they are, getent for the rest, undefined when nobody has the name', async () => {
  const dir = tempDir('ksock-accounts-');
  writeFileSync(join(dir, 'passwd'), 'alice:x:1001:1001::/home/alice:/bin/sh\n');
  writeFileSync(join(dir, 'group'), 'devs:x:3000:alice\n');
  const a = await loadAccounts(testCtx().ctx, { passwd: join(dir, 'passwd'), group: join(dir, 'group') });
  assert.is(await a.uid('alice'), 1001);
  assert.is(await a.uid('4242'), 4242);
  assert.is(await a.gid('devs'), 3000);
  // Not in these files: getent asks the system's databases (nobody is in every Debian's).
  assert.is(await a.uid('nobody'), 65534);
  assert.is(await a.uid('no-such-user-q'), undefined);
  assert.is(await a.gid('no-such-group-q'), undefined);
});

test.run();
