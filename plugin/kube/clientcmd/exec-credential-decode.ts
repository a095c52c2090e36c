/**
 * Decodes an exec credential plugin's stdout as client-go does
 * (plugin/pkg/client/auth/exec: codecs.UniversalDecoder, then its checks),
 * with client-go's error texts, which say what was wrong and never quote
 * the output: a token or key printed where JSON was expected must not reach
 * an error line, a -v line or a proxy's 500 body. Where Go's own text would
 * quote a value (a malformed expirationTimestamp), the value is elided.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { goJsonSyntaxError } from '../go-json-syntax.ts';
import { parseRFC3339 } from '../logs/go-time.ts';
import { interpretTypeMeta, jsonKind, parseGroupVersion } from '../type-meta.ts';

const GROUP = 'client.authentication.k8s.io';
/** The versions client-go's exec scheme registers ExecCredential in. */
const REGISTERED = new Set(['v1', 'v1beta1', '__internal']);

/** What a plugin printed, once decoded: status fields as strings. */
export interface DecodedCredential {
  token?: string;
  cert?: string;
  key?: string;
  /** Date.getTime() of status.expirationTimestamp. */
  expiresAt?: number;
}

/** The document, JSON when it starts with `{` (as the JSON serializer recognizes it), else YAML turned into JSON. */
async function document(stdout: string): Promise<unknown> {
  if (/^\s*\{/u.test(stdout)) {
    const syntax = goJsonSyntaxError(stdout);
    if (syntax !== undefined) throw new Error(`couldn't get version/kind; json parse error: ${syntax}`);
    return JSON.parse(stdout) as unknown;
  }
  const { parse } = await import('yaml');
  try {
    return parse(stdout) ?? null;
  } catch {
    // go-yaml's own parser messages differ from this parser's, and this parser quotes the text.
    throw new Error('yaml: the output is neither JSON nor YAML');
  }
}

/** meta.go Interpret, then the scheme: the group/version the document is decoded as. */
function versionOf(doc: unknown): { group: string; version: string } {
  const meta = interpretTypeMeta(doc);
  const kind = meta.kind || 'ExecCredential';
  // The decoder defaults a missing group/version to the target type's: the internal one.
  let gv = parseGroupVersion(meta.apiVersion);
  if (gv.group === '' && gv.version === '') gv = { group: GROUP, version: '__internal' };
  if (gv.group !== GROUP || !REGISTERED.has(gv.version) || kind !== 'ExecCredential') {
    const shown = gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
    throw new Error(`no kind "${kind}" is registered for version "${shown}" in scheme "pkg/client/auth/exec/exec.go:62"`);
  }
  return gv;
}

/** The status fields, typed as ExecCredentialStatus declares them. */
function statusOf(doc: Record<string, unknown>, version: string): Record<string, string> | undefined {
  const status = doc['status'];
  if (status === undefined || status === null) return undefined;
  if (typeof status !== 'object' || Array.isArray(status)) {
    throw new Error(`json: cannot unmarshal ${jsonKind(status)} into Go struct field ExecCredential.status of type ${version}.ExecCredentialStatus`);
  }
  const out: Record<string, string> = {};
  for (const [field, v] of Object.entries(status as Record<string, unknown>)) {
    if (!['token', 'clientCertificateData', 'clientKeyData', 'expirationTimestamp'].includes(field) || v === null) continue;
    if (typeof v !== 'string') throw new Error(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ExecCredentialStatus.status.${field} of type string`);
    out[field] = v;
  }
  return out;
}

/** metav1.Time: RFC 3339, with Go's parse error, the plugin's text elided from it. */
function expiryOf(text: string): number {
  try {
    return parseRFC3339(text);
  } catch (err) {
    const parts = (err as Error).message.split(/("(?:[^"\\]|\\.)*")/);
    // Quoted values that are not the layout are the plugin's.
    throw new Error(parts.map((p) => (p.startsWith('"') && !/^"(2006-01-02T15:04:05Z07:00|2006|01|02|15|04|05|Z07:00|T|-|:)"$/.test(p) ? '"…"' : p)).join(''));
  }
}

/** Go's tls.X509KeyPair checks, in its words. */
function checkKeyPair(cert: string, key: string): void {
  const fail = (why: string) => new Error(`failed parsing client key/certificate: ${why}`);
  const types = (pem: string) => [...pem.matchAll(/-----BEGIN ([^-\n]*)-----/g)].map((m) => m[1] as string);
  if (!types(cert).includes('CERTIFICATE')) {
    if (types(cert).length === 0) throw fail('tls: failed to find any PEM data in certificate input');
    if (types(cert).some((t) => t.endsWith('PRIVATE KEY'))) throw fail('tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    throw fail(`tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${types(cert).join(' ')}]`);
  }
  if (!types(key).some((t) => t === 'PRIVATE KEY' || t.endsWith(' PRIVATE KEY'))) {
    if (types(key).length === 0) throw fail('tls: failed to find any PEM data in key input');
    if (types(key).includes('CERTIFICATE')) throw fail('tls: found a certificate rather than a key in the PEM for the private key');
    throw fail(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${types(key).join(' ')}]`);
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw fail('x509: malformed certificate');
  }
  let pk;
  try {
    pk = createPrivateKey(key);
  } catch {
    throw fail('tls: failed to parse private key');
  }
  if (!x509.checkPrivateKey(pk)) throw fail('tls: private key does not match public key');
}

/** Decodes stdout for the configured apiVersion; throws with client-go's message (without its "decoding stdout: " and other prefixes added by the caller). */
export async function decodeCredential(stdout: string, apiVersion: string): Promise<DecodedCredential> {
  let doc: unknown;
  let gv: { group: string; version: string };
  let status: Record<string, string> | undefined;
  let expiresAt: number | undefined;
  try {
    doc = await document(stdout);
    gv = versionOf(doc);
    // The internal type has no JSON names, so nothing of a document defaulted to it decodes (and its version is refused below).
    status = doc === null || gv.version === '__internal' ? undefined : statusOf(doc as Record<string, unknown>, gv.version);
    if (status?.['expirationTimestamp']) expiresAt = expiryOf(status['expirationTimestamp']);
  } catch (err) {
    throw new Error(`decoding stdout: ${(err as Error).message}`);
  }
  const configured = apiVersion.split('/')[1];
  if (gv.version !== configured) throw new Error(`exec plugin is configured to use API version ${apiVersion}, plugin returned version ${gv.group}/${gv.version}`);
  if (!status) throw new Error("exec plugin didn't return a status field");
  const { token, clientCertificateData: cert, clientKeyData: key } = status;
  if (!token && !cert && !key) throw new Error("exec plugin didn't return a token or cert/key pair");
  if (Boolean(cert) !== Boolean(key)) throw new Error('exec plugin returned only certificate or key, not both');
  if (cert && key) checkKeyPair(cert, key);
  return { ...(token ? { token } : {}), ...(cert && key ? { cert, key } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) };
}
