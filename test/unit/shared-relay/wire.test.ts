// The config handed to the relay process, and what makes two runs' relays the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RestConfig } from '../../../plugin/kube/clientcmd/client-config.ts';
import { resolveServerAddress } from '../../../plugin/transport/address.ts';
import { decodeConfig, encodeConfig, identityText } from '../../../plugin/shared-relay/wire.ts';

function config(over: Partial<RestConfig> = {}): RestConfig {
  return {
    address: resolveServerAddress('https://10.0.0.1:6443/prefix', { baseDir: '/', home: '/h', defaultTLS: true }),
    tls: { insecure: false, caData: Buffer.from('CA PEM'), certFile: 'client.crt', keyData: Buffer.from([0, 1, 255]) },
    credentials: { token: 'tok', tokenFile: 'rel/token' },
    impersonate: { user: 'alice', groups: ['g'], extra: { scopes: ['a'] } },
    namespace: 'web', namespaceExplicit: true, contextName: 'prod', timeoutMs: 5000, disableCompression: false, credentialsDropped: false,
    ...over,
  };
}

test('encode/decode :: Buffers and the server URL come back; paths a flag gave relative become absolute', () => {
  const back = decodeConfig(encodeConfig(config(), '/work'));
  assert.ok(Buffer.isBuffer(back.tls.caData) && back.tls.caData.equals(Buffer.from('CA PEM')));
  assert.equal([...(back.tls.keyData as Buffer)], [0, 1, 255]);
  assert.is(back.tls.certFile, '/work/client.crt');
  assert.is(back.credentials.tokenFile, '/work/rel/token');
  assert.ok(back.address.transport === 'tcp' && back.address.url instanceof URL && back.address.url.href === 'https://10.0.0.1:6443/prefix');
  assert.equal(back.impersonate, config().impersonate);
  const unix = decodeConfig(encodeConfig(config({ address: resolveServerAddress('unix:///run/k.sock', { baseDir: '/', home: '/h', defaultTLS: false }) }), '/'));
  assert.equal(unix.address, { transport: 'unix', socketPath: '/run/k.sock', tls: false, display: 'unix:///run/k.sock', written: 'unix:///run/k.sock' });
});

test('identity :: the namespace, context name and request timeout do not make another relay; server, credentials, impersonation, proxy and build do', () => {
  const id = (c: RestConfig, env: Record<string, string> = {}, build = 'b') => identityText(c, env, build, '/work');
  const base = id(config());
  assert.is(id(config({ namespace: 'other', contextName: 'other', timeoutMs: 1, namespaceExplicit: false })), base);
  assert.is.not(id(config({ credentials: { token: 'tok2' } })), base);
  assert.is.not(id(config({ impersonate: { user: 'bob', groups: ['g'], extra: { scopes: ['a'] } } })), base);
  assert.is.not(id(config({ tls: { insecure: true } })), base);
  assert.is.not(id(config(), { HTTPS_PROXY: 'http://proxy:3128' }), base);
  assert.is(id(config(), { UNRELATED: 'x' }), base);
  assert.is.not(id(config(), {}, 'c'), base);
  // The same relative path from another folder is another file.
  assert.is.not(identityText(config(), {}, 'b', '/elsewhere'), base);
});

test.run();
