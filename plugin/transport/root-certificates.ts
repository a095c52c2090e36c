import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../errors.ts';

interface PemBlock {
  type: string;
  headers: boolean;
  der: Buffer;
}

/**
 * Refuses CA data that holds no certificate, in client-go's words
 * (transport/transport.go rootCertPool and createErrorParsingCAData): Go's
 * AppendCertsFromPEM needs one parsable CERTIFICATE block; when there is none,
 * client-go walks the blocks to say why. Node would take the bytes silently
 * and fail later as "certificate signed by unknown authority".
 */
export function checkRootCertificates(data: Buffer): void {
  const blocks = pemBlocks(data.toString('latin1'));
  if (blocks.some((b) => b.type === 'CERTIFICATE' && !b.headers && parses(b.der))) return;
  throw new ConfigError(`unable to load root certificates: ${whyNoCertificate(data.toString('latin1'))}`);
}

function whyNoCertificate(text: string): string {
  let rest = text;
  while (rest.length > 0) {
    const found = decodeOne(rest);
    if (!found) return 'unable to parse bytes as PEM block';
    rest = found.rest;
    const b = found.block;
    if (b.type !== 'CERTIFICATE' || b.headers) continue;
    if (!parses(b.der)) return 'failed to parse certificate: x509: malformed certificate';
  }
  return 'no valid certificate authority data seen';
}

function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (let found = decodeOne(text); found; found = decodeOne(found.rest)) out.push(found.block);
  return out;
}

/**
 * Go's pem.Decode: the first well-formed block anywhere in the text (text
 * before it is skipped, a malformed one is passed over), and what follows it.
 */
function decodeOne(text: string): { block: PemBlock; rest: string } | undefined {
  const re = /-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----[ \t]*(?:\r?\n|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2] as string;
    const colon = /^[^\r\n:]*:/m.test(body.split(/\r?\n\r?\n/)[0] ?? '');
    const base64 = (colon ? body.slice(body.search(/\r?\n\r?\n/) + 1) : body).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) continue;
    return { block: { type: m[1] as string, headers: colon, der: Buffer.from(base64, 'base64') }, rest: text.slice(m.index + m[0].length) };
  }
  return undefined;
}

function parses(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}
