import { createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A certificate and its key, PEM encoded. */
export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * Makes a relay's self-signed ECDSA P-256 certificate for 127.0.0.1. The relay
 * must speak TLS: kubectl (client-go) sends a bearer token only over TLS, and the
 * token is what keeps other local users out. Node can make keys but not X.509
 * certificates, so the DER is written here (RFC 5280), no openssl needed.
 */
export function selfSignedCertificate(now: Date, validForMs = 24 * 3600_000): KeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const name = seq(set(seq(oid('2.5.4.3'), utf8('kubectl-sock relay'))));
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f; // a positive INTEGER
  const tbs = seq(
    explicit(0, int(Buffer.from([2]))), // v3
    int(serial),
    ecdsaWithSha256,
    name,
    seq(utcTime(new Date(now.getTime() - 60_000)), utcTime(new Date(now.getTime() + validForMs))),
    name,
    Buffer.from(spki),
    explicit(3, seq(
      extension('2.5.29.19', true, seq(bool(true))), // basicConstraints CA:TRUE (it is its own root)
      extension('2.5.29.15', true, bitString(Buffer.from([0x84]), 2)), // keyUsage digitalSignature, keyCertSign
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage serverAuth
      extension('2.5.29.17', false, seq(tlv(0x87, Buffer.from([127, 0, 0, 1])))), // subjectAltName IP:127.0.0.1
    )),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaWithSha256, bitString(signature, 0));
  const pem = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${pem}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else if (n < 0x100) len = Buffer.from([0x81, n]);
  else len = Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, body: Buffer) => tlv(0xa0 + n, body);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0]));
const bitString = (bits: Buffer, unused: number) => tlv(0x03, Buffer.concat([Buffer.from([unused]), bits]));
const octets = (b: Buffer) => tlv(0x04, b);

/**
 * A DER INTEGER from big-endian bytes, minimal as DER requires: leading zero
 * bytes dropped (OpenSSL refuses a certificate whose random serial starts
 * 0x00 0x0X with "illegal padding"), one put back if the sign bit is set.
 */
function int(bytes: Buffer): Buffer {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  const v = bytes.subarray(at);
  return tlv(0x02, (v[0] as number) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}
