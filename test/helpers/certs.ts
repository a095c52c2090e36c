// A throwaway PKI for TLS tests, made with the openssl CLI (3.0 has no -not_after
// on `x509 -req`, so the expired certificate comes from `openssl ca` with past dates).
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PemFiles {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  ca: PemFiles;
  /** For 127.0.0.1, localhost and kubernetes, signed by the CA. */
  server: PemFiles;
  /** CN=alice, O=dev: user alice in group dev under client-cert auth. */
  client: PemFiles & { subject: string };
  /** Same names as `server`, signed by the CA, but its validity ended yesterday. */
  expiredServer: PemFiles;
}

const EXTENSIONS = `
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes
authorityKeyIdentifier = keyid

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

/** A minimal `openssl ca` setup, so the system openssl.cnf plays no part. */
function caConfig(work: string): string {
  return `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ca]
default_ca = fake_ca
[fake_ca]
database = ${join(work, 'index.txt')}
serial = ${join(work, 'serial')}
new_certs_dir = ${work}
default_md = sha256
policy = any_policy
unique_subject = no
copy_extensions = none
[any_policy]
commonName = supplied
organizationName = optional
${EXTENSIONS}`;
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate/-enddate` takes. */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr || e.message}`);
  }
}

async function files(certPath: string, keyPath: string): Promise<PemFiles> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  return { certPath, keyPath, cert, key };
}

/** Makes an EC P-256 key and a CSR for `subject`. */
async function keyAndCsr(config: string, keyPath: string, csrPath: string, subject: string): Promise<void> {
  await openssl(['req', '-new', '-config', config, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', subject]);
}

async function signWithCa(dir: string, config: string, csr: string, out: string, ext: string): Promise<void> {
  const serial = `0x${Date.now().toString(16)}${Math.floor(Math.random() * 0xffff).toString(16)}`;
  await openssl([
    'x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', serial,
    '-days', '365', '-sha256', '-extfile', config, '-extensions', ext, '-out', out,
  ]);
}

/** Writes ca.{crt,key}, server.{crt,key}, client.{crt,key} and expired-server.{crt,key} into `dir`. */
export async function makePki(dir: string): Promise<Pki> {
  const work = join(dir, '.openssl');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const config = join(work, 'openssl.cnf');
  await Promise.all([writeFile(config, caConfig(work)), writeFile(join(work, 'index.txt'), ''), writeFile(join(work, 'serial'), '1000\n')]);
  const p = (name: string): string => join(dir, name);

  await openssl([
    'req', '-x509', '-config', config, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', p('ca.key'), '-out', p('ca.crt'), '-subj', '/CN=kubectl-sock-test-ca', '-days', '3650', '-extensions', 'ca_ext',
  ]);
  await Promise.all([
    keyAndCsr(config, p('server.key'), join(work, 'server.csr'), '/CN=kube-apiserver'),
    keyAndCsr(config, p('client.key'), join(work, 'client.csr'), '/CN=alice/O=dev'),
    keyAndCsr(config, p('expired-server.key'), join(work, 'expired.csr'), '/CN=kube-apiserver'),
  ]);
  const day = 24 * 3600 * 1000;
  await Promise.all([
    signWithCa(dir, config, join(work, 'server.csr'), p('server.crt'), 'server_ext'),
    signWithCa(dir, config, join(work, 'client.csr'), p('client.crt'), 'client_ext'),
    openssl([
      'ca', '-batch', '-config', config, '-cert', p('ca.crt'), '-keyfile', p('ca.key'), '-in', join(work, 'expired.csr'),
      '-out', p('expired-server.crt'), '-startdate', asn1Time(new Date(Date.now() - 30 * day)), '-enddate', asn1Time(new Date(Date.now() - day)),
      '-extfile', config, '-extensions', 'server_ext', '-notext',
    ]),
  ]);
  const [ca, server, client, expiredServer] = await Promise.all([
    files(p('ca.crt'), p('ca.key')),
    files(p('server.crt'), p('server.key')),
    files(p('client.crt'), p('client.key')),
    files(p('expired-server.crt'), p('expired-server.key')),
  ]);
  await rm(work, { recursive: true, force: true });
  return { dir, ca, server, client: { ...client, subject: 'CN=alice, O=dev' }, expiredServer };
}
