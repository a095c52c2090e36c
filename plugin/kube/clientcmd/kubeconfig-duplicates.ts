/**
 * client-go refuses a kubeconfig file that names a cluster, user or context
 * twice (tools/clientcmd/api/v1/conversion.go, checked in that order):
 * "error converting *[]NamedCluster into *map[string]*api.Cluster: duplicate
 * name "a" in list: [...]", the list printed with Go's %v. Secrets kubectl
 * would print there (tokens, passwords, key data) are written REDACTED, and a
 * set exec or auth-provider pointer as 0xc000000000 (kubectl prints an address).
 */

type Entry = Record<string, unknown>;

const KINDS: [list: string, key: string, goType: string][] = [
  ['clusters', 'cluster', 'Cluster'],
  ['users', 'user', 'AuthInfo'],
  ['contexts', 'context', 'Context'],
];

/** kubectl's error for the first repeated name, or undefined. */
export function duplicateNameError(doc: Record<string, unknown>): string | undefined {
  for (const [list, key, goType] of KINDS) {
    const entries = doc[list];
    if (!Array.isArray(entries)) continue;
    const seen = new Set<string>();
    for (const e of entries) {
      const name = nameOf(e);
      if (seen.has(name)) {
        const shown = entries.map((x) => `{${nameOf(x)} ${formatBody(key, bodyOf(x, key))}}`).join(' ');
        return `error converting *[]Named${goType} into *map[string]*api.${goType}: duplicate name "${name}" in list: [${shown}]`;
      }
      seen.add(name);
    }
  }
  return undefined;
}

function nameOf(e: unknown): string {
  const name = isEntry(e) ? e['name'] : undefined;
  return typeof name === 'string' ? name : '';
}

function bodyOf(e: unknown, key: string): Entry {
  const body = isEntry(e) ? e[key] : undefined;
  return isEntry(body) ? body : {};
}

function isEntry(v: unknown): v is Entry {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The v1 struct's fields in declaration order, as %v prints them. */
function formatBody(key: string, b: Entry): string {
  const fields = key === 'cluster'
    ? [str(b['server']), str(b['tls-server-name']), bool(b['insecure-skip-tls-verify']), str(b['certificate-authority']),
      bytes(b['certificate-authority-data']), str(b['proxy-url']), bool(b['disable-compression']), extensions(b['extensions'])]
    : key === 'context'
      ? [str(b['cluster']), str(b['user']), str(b['namespace']), extensions(b['extensions'])]
      : [str(b['client-certificate']), bytes(b['client-certificate-data']), str(b['client-key']), secretBytes(b['client-key-data']),
        secret(b['token']), str(b['tokenFile']), str(b['as']), str(b['as-uid']), strings(b['as-groups']), extra(b['as-user-extra']),
        str(b['username']), secret(b['password']), pointer(b['auth-provider']), pointer(b['exec']), extensions(b['extensions'])];
  return `{${fields.join(' ')}}`;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const bool = (v: unknown) => (v === true ? 'true' : 'false');
const secret = (v: unknown) => (typeof v === 'string' && v !== '' ? 'REDACTED' : '');
const secretBytes = (v: unknown) => (typeof v === 'string' && v !== '' ? 'REDACTED' : '[]');
const pointer = (v: unknown) => (v === undefined || v === null ? '<nil>' : '0xc000000000');
const strings = (v: unknown) => `[${Array.isArray(v) ? v.map(str).join(' ') : ''}]`;

/** A []byte field: base64 in the file, printed as decimal bytes. */
function bytes(v: unknown): string {
  return `[${typeof v === 'string' ? [...Buffer.from(v, 'base64')].join(' ') : ''}]`;
}

function extra(v: unknown): string {
  const m = isEntry(v) ? v : {};
  return `map[${Object.keys(m).sort().map((k) => `${k}:${strings(m[k])}`).join(' ')}]`;
}

/** []NamedExtension: {name {[raw JSON bytes] <nil>}}, the JSON as sigs.k8s.io/yaml writes it (keys sorted). */
function extensions(v: unknown): string {
  const list = Array.isArray(v) ? v : [];
  return `[${list.map((e) => `{${nameOf(e)} {[${[...Buffer.from(sortedJson(isEntry(e) ? e['extension'] : null))].join(' ')}] <nil>}}`).join(' ')}]`;
}

function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (isEntry(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}
