import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { request } from 'node:https';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import { globalFlags } from '../../../plugin/cli/global-flags.ts';
import { splitPassthroughArgs } from '../../../plugin/passthrough/args.ts';
import { findRealKubectl } from '../../../plugin/passthrough/kubectl-path.ts';
import { selfSignedCertificate } from '../../../plugin/passthrough/self-signed.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const globals = globalFlags('/home/u');

test('splitPassthroughArgs :: connection flags go to kubectl-sock, the rest stays in order', () => {
  const s = splitPassthroughArgs(
    ['describe', '--server', 'unix:///x.sock', 'pod', 'web', '-n', 'prod', '--context=c', '-s/y.sock', '--as-group', 'a', '--as-group=b', '-v=6', '--insecure-skip-tls-verify'],
    globals,
  );
  assert.equal(s.forward, ['describe', 'pod', 'web', '-n', 'prod', '-v=6']);
  assert.equal(Object.fromEntries(s.connection), {
    server: '/y.sock', context: 'c', 'as-group': ['a', 'b'], 'insecure-skip-tls-verify': true,
  });
});

test('splitPassthroughArgs :: nothing after -- is touched', () => {
  const s = splitPassthroughArgs(['exec', 'pod', '--', 'kubectl', '--server', 'x'], globals);
  assert.equal(s.forward, ['exec', 'pod', '--', 'kubectl', '--server', 'x']);
  assert.is(s.connection.size, 0);
});

test('findRealKubectl :: skips this binary even when it is named kubectl', () => {
  const dir = tempDir();
  const self = join(dir, 'kubectl-sock');
  writeFileSync(self, '#!/bin/sh\n');
  chmodSync(self, 0o755);
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  symlinkSync(self, join(dir, 'a', 'kubectl'));
  writeFileSync(join(dir, 'b', 'kubectl'), '#!/bin/sh\n');
  chmodSync(join(dir, 'b', 'kubectl'), 0o755);
  assert.is(findRealKubectl({ PATH: `${dir}/a:${dir}/b` }, self, '/'), join(dir, 'b', 'kubectl'));
  assert.is(findRealKubectl({ PATH: `${dir}/a`, KUBECTL_SOCK_KUBECTL: join(dir, 'b', 'kubectl') }, self, '/'), join(dir, 'b', 'kubectl'));
  assert.throws(() => findRealKubectl({ PATH: `${dir}/a` }, self, '/'), /no kubectl was found on PATH/);
});

test('selfSignedCertificate :: a TLS client that trusts only this certificate connects to 127.0.0.1', async () => {
  const kp = selfSignedCertificate(new Date());
  const server = createServer({ cert: kp.cert, key: kp.key }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const body = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, ca: kp.cert, path: '/' }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    }).on('error', reject).end();
  });
  assert.is(body, 'ok');
  const other = selfSignedCertificate(new Date());
  const refused = await new Promise<string>((resolve) => {
    request({ host: '127.0.0.1', port, ca: other.cert, path: '/' }, () => resolve('connected')).on('error', (e: NodeJS.ErrnoException) => resolve(String(e.code))).end();
  });
  assert.not.equal(refused, 'connected');
  server.close();
});

test('selfSignedCertificate :: every certificate is valid DER (random serials with leading zero bytes included)', () => {
  // A serial starting 0x00 0x0X once made OpenSSL refuse about 1 certificate in 256.
  for (let i = 0; i < 1500; i++) {
    const kp = selfSignedCertificate(new Date());
    createSecureContext({ cert: kp.cert, key: kp.key });
  }
});

test.run();
