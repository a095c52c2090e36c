import { isAbsolute, resolve } from 'node:path';
import type { RestConfig, TlsConfig, Credentials } from '../kube/clientcmd/client-config.ts';

/**
 * A RestConfig as JSON, for the pipe that hands it to the relay process (never
 * argv or the environment: it holds credentials) and for the relay's identity.
 * Buffers travel as base64 and the server URL as its text; paths a flag gave
 * relative to the working folder are made absolute, since the relay runs in /.
 */
export function encodeConfig(config: RestConfig, cwd: string): string {
  const abs = (p: string | undefined) => (p && !isAbsolute(p) ? resolve(cwd, p) : p);
  const tls: TlsConfig = { ...config.tls, caFile: abs(config.tls.caFile), certFile: abs(config.tls.certFile), keyFile: abs(config.tls.keyFile) };
  const credentials: Credentials = { ...config.credentials, tokenFile: abs(config.credentials.tokenFile) };
  return JSON.stringify({ ...config, tls, credentials }, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
      return { $base64: Buffer.from((value as { data: number[] }).data).toString('base64') };
    }
    return value;
  });
}

/** The inverse of encodeConfig. */
export function decodeConfig(text: string): RestConfig {
  const config = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && typeof (value as { $base64?: unknown }).$base64 === 'string') {
      return Buffer.from((value as { $base64: string }).$base64, 'base64');
    }
    return value;
  }) as RestConfig;
  if (config.address.transport === 'tcp') config.address.url = new URL(config.address.url as unknown as string);
  return config;
}

/**
 * What makes two runs' upstreams the same relay: the server and how it is
 * reached (TLS, proxy), who the requests claim to be (credentials,
 * impersonation), and the proxy environment the transport reads. Not the
 * namespace, context name or request timeout: those stay with each kubectl.
 * Keys are sorted, so the text is the same however the config was built.
 */
export function identityText(config: RestConfig, env: Readonly<Record<string, string | undefined>>, build: string, cwd: string): string {
  const { namespace: _ns, namespaceExplicit: _ne, contextName: _cn, timeoutMs: _t, credentialsDropped: _cd, ...upstream } = config;
  const proxyEnv: Record<string, string> = {};
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
    const v = env[name];
    if (v !== undefined) proxyEnv[name] = v;
  }
  const encoded = JSON.parse(encodeConfig({ ...upstream, namespace: '', namespaceExplicit: false, contextName: '', timeoutMs: 0, credentialsDropped: false }, cwd)) as unknown;
  return JSON.stringify(sortKeys({ build, proxyEnv, upstream: encoded }));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
