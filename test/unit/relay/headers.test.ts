// Which headers cross the relay, in which form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { canonicalKey, downstreamHeaders, upstreamHeaders } from '../../../plugin/relay/headers.ts';

function fakeReq(raw: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[(raw[i] as string).toLowerCase()] = raw[i + 1] as string;
  return { rawHeaders: raw, headers } as unknown as IncomingMessage;
}

test('upstreamHeaders :: credentials and hop-by-hop headers are dropped, the relay\'s credentials added', () => {
  const req = fakeReq([
    'Host', 'localhost', 'Authorization', 'Bearer stolen', 'Impersonate-User', 'admin', 'impersonate-group', 'system:masters',
    'Impersonate-Extra-Scopes', 'x', 'Connection', 'keep-alive, X-Hop', 'X-Hop', 'h', 'Keep-Alive', 'timeout=5',
    'Transfer-Encoding', 'chunked', 'Upgrade', 'SPDY/3.1', 'Proxy-Authorization', 'Basic x', 'Expect', '100-continue',
    'Accept', 'application/json', 'User-Agent', 'kubectl/v1.33', 'Content-Type', 'application/yaml',
  ]);
  const out = upstreamHeaders(req, { authorization: 'Bearer mine', 'impersonate-group': ['g1', 'g2'] });
  assert.equal(out, [
    'Accept', 'application/json', 'User-Agent', 'kubectl/v1.33', 'Content-Type', 'application/yaml',
    'authorization', 'Bearer mine', 'impersonate-group', 'g1', 'impersonate-group', 'g2',
  ]);
});

test('upstreamHeaders :: a client without User-Agent gets kubectl-sock\'s (client-go adds its default)', () => {
  const out = upstreamHeaders(fakeReq(['Accept', '*/*']), {});
  assert.is(out[2], 'User-Agent');
  assert.match(out[3] as string, /^kubectl-sock\//);
});

test('upstreamHeaders :: a serve socket\'s identity replaces the relay\'s own impersonation; its Authorization stays', () => {
  const req = fakeReq(['Accept', '*/*', 'User-Agent', 'k', 'Impersonate-User', 'admin']);
  const out = upstreamHeaders(req, { authorization: 'Bearer mine', 'impersonate-user': 'server-as', 'impersonate-group': ['server-group'] }, { 'impersonate-user': 'alice', 'impersonate-group': ['devs', 'ops'] });
  assert.equal(out, ['Accept', '*/*', 'User-Agent', 'k', 'authorization', 'Bearer mine', 'impersonate-user', 'alice', 'impersonate-group', 'devs', 'impersonate-group', 'ops']);
});

test('downstreamHeaders :: canonical names, sorted, duplicates in order, hop-by-hop dropped', () => {
  const raw = ['x-b', '1', 'set-cookie', 'a', 'Connection', 'close, X-Private', 'x-private', 'p', 'content-length', '3', 'Set-Cookie', 'b', 'audit-id', 'z']
    .map((s) => Buffer.from(s, 'latin1'));
  assert.equal(downstreamHeaders(raw, {}), ['Audit-Id', 'z', 'Content-Length', '3', 'Set-Cookie', 'a', 'Set-Cookie', 'b', 'X-B', '1']);
});

test('canonicalKey :: as Go\'s CanonicalMIMEHeaderKey', () => {
  assert.is(canonicalKey('content-type'), 'Content-Type');
  assert.is(canonicalKey('X-KUBERNETES-PF-FLOWSCHEMA-UID'), 'X-Kubernetes-Pf-Flowschema-Uid');
  assert.is(canonicalKey('www-authenticate'), 'Www-Authenticate');
  assert.is(canonicalKey('bad header'), 'bad header');
});

test.run();
