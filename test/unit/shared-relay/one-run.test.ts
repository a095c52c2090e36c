// Where there are no POSIX descriptors to hand a relay process (Windows), a run
// spawns its program against a relay of its own, and leaves nothing behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveClientConfig } from '../../../plugin/kube/clientcmd/client-config.ts';
import { runWithRelay } from '../../../plugin/passthrough/run-with-relay.ts';
import { startFakeApiServer } from '../../helpers/fake-apiserver.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { testCtx } from '../../helpers/context.ts';

test('runWithRelay without POSIX users (uid -1) :: the program reaches the server through a one-run relay; status back; temp folder gone', async () => {
  const dir = tempDir();
  const tmp = tempDir();
  const api = await startFakeApiServer({ unixSocket: join(dir, 'api.sock') });
  try {
    api.addObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { containers: [{ name: 'a', image: 'a' }] } });
    // Stands in for kubectl: one authorised request through the relay, then exits 3.
    const program = join(dir, 'program');
    writeFileSync(program, [
      '#!/bin/sh',
      'server=$(sed -n \'s/.*"server": "\\(.*\\)".*/\\1/p\' "$KUBECONFIG")',
      'token=$(sed -n \'s/.*"token": "\\(.*\\)".*/\\1/p\' "$KUBECONFIG")',
      'sed -n \'s/.*"certificate-authority-data": "\\(.*\\)".*/\\1/p\' "$KUBECONFIG" | base64 -d > "$KUBECONFIG.ca"',
      'curl -s --cacert "$KUBECONFIG.ca" -H "Authorization: Bearer $token" "$server/api/v1/namespaces/default/pods/web" | grep -o \'"name":"web"\' > "$OUT"',
      'exit 3',
    ].join('\n'), { mode: 0o755 });
    const { ctx } = testCtx({ uid: -1, tmpDir: tmp, env: { PATH: process.env['PATH'], OUT: join(dir, 'out') } });
    const resolve = async () => ({ config: await resolveClientConfig({ flags: { server: api.unixUrl }, env: {}, home: dir, cwd: dir }), via: undefined });
    const code = await runWithRelay(ctx, { flags: new Map(), persist: false, resolve }, program, []);
    assert.is(code, 3);
    assert.is(readFileSync(join(dir, 'out'), 'utf8'), '"name":"web"\n');
    assert.equal(readdirSync(tmp), [], 'the temporary kubeconfig folder is removed');
    assert.ok(api.requests.some((r) => r.url === '/api/v1/namespaces/default/pods/web' && r.headers['authorization'] === undefined), 'reached the socket, token stripped');
  } finally {
    await api.close();
  }
});

test.run();
