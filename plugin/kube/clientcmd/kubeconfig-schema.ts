/**
 * Type checks a parsed kubeconfig the way client-go's decoder fails on it
 * (sigs.k8s.io/yaml converts to JSON, then encoding/json rejects mistyped fields):
 * "json: cannot unmarshal bool into Go struct field AuthInfo.users.user.password of type string".
 */

type GoType = 'string' | 'bool' | '[]string' | 'map[string]string';

const clusterFields: Record<string, GoType> = {
  server: 'string',
  'tls-server-name': 'string',
  'insecure-skip-tls-verify': 'bool',
  'certificate-authority': 'string',
  'certificate-authority-data': 'string',
  'proxy-url': 'string',
  'disable-compression': 'bool',
};

const userFields: Record<string, GoType> = {
  'client-certificate': 'string',
  'client-certificate-data': 'string',
  'client-key': 'string',
  'client-key-data': 'string',
  token: 'string',
  tokenFile: 'string',
  as: 'string',
  'as-uid': 'string',
  'as-groups': '[]string',
  username: 'string',
  password: 'string',
};

const contextFields: Record<string, GoType> = { cluster: 'string', user: 'string', namespace: 'string' };

const sections: [list: string, key: string, goStruct: string, fields: Record<string, GoType>][] = [
  ['clusters', 'cluster', 'Cluster', clusterFields],
  ['contexts', 'context', 'Context', contextFields],
  ['users', 'user', 'AuthInfo', userFields],
];

/**
 * Returns Go's decode error for the first mistyped field, or undefined. "First"
 * in sorted key order: sigs.k8s.io/yaml re-encodes the YAML as JSON with map
 * keys sorted, and encoding/json keeps the first type error it meets.
 */
export function checkKubeconfigTypes(doc: unknown): string | undefined {
  if (!isObject(doc)) return `json: cannot unmarshal ${jsonKind(doc)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  // clusters < contexts < current-context < users
  for (const [list, key, goStruct, fields] of sections) {
    if (list === 'users') {
      const cc = doc['current-context'];
      if (cc !== undefined && cc !== null && typeof cc !== 'string') return mismatch(cc, 'Config.current-context', 'string');
    }
    const entries = doc[list];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) return mismatch(entries, `Config.${list}`, `[]v1.Named${goStruct === 'AuthInfo' ? 'AuthInfo' : goStruct}`);
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      const problem = key < 'name'
        ? checkBody(entry[key], list, key, goStruct, fields) ?? checkName(entry, list, goStruct)
        : checkName(entry, list, goStruct) ?? checkBody(entry[key], list, key, goStruct, fields);
      if (problem) return problem;
    }
  }
  return undefined;
}

function checkName(entry: Record<string, unknown>, list: string, goStruct: string): string | undefined {
  const name = entry['name'];
  return name !== undefined && name !== null && typeof name !== 'string' ? mismatch(name, `Named${goStruct}.${list}.name`, 'string') : undefined;
}

function checkBody(body: unknown, list: string, key: string, goStruct: string, fields: Record<string, GoType>): string | undefined {
  if (!isObject(body)) return undefined;
  for (const field of Object.keys(fields).sort()) {
    const problem = checkField(body[field], `${goStruct}.${list}.${key}.${field}`, fields[field] as GoType);
    if (problem) return problem;
  }
  return undefined;
}

function checkField(value: unknown, path: string, type: GoType): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (type === 'string' && typeof value !== 'string') return mismatch(value, path, 'string');
  if (type === 'bool' && typeof value !== 'boolean') return mismatch(value, path, 'bool');
  if (type === '[]string') {
    if (!Array.isArray(value)) return mismatch(value, path, '[]string');
    const bad = value.find((v) => typeof v !== 'string');
    if (bad !== undefined) return mismatch(bad, path, 'string');
  }
  return undefined;
}

function mismatch(value: unknown, path: string, type: string): string {
  return `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${path} of type ${type}`;
}

/** encoding/json's names for JSON value kinds. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
