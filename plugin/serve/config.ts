import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_SOCKET_MODE, SERVE_DEFAULT_FILTERS, checkAccount, checkBool, checkDuration, checkFilter, checkIdentityName, checkMode, checkPath,
  checkMaxConnections, checkString, checkTime, isNumericAccount, type SocketSpec,
} from './spec.ts';

/**
 * The file of `kubectl sock serve --config`:
 *
 *   apiVersion: sock.kubectl.io/v1alpha1
 *   kind: ServeConfig
 *   sockets:
 *   - path: /run/kubectl-sock/alice.sock
 *     owner: alice
 *     ...
 *
 * Parsing is pure: text in, specs out, or one ConfigError naming the file,
 * the line and the field ("serve.yaml:7: sockets[0].mode: …"). Unknown fields
 * are refused: a misspelt `readonly: true` must not serve read-write.
 */

export const SERVE_API_VERSION = 'sock.kubectl.io/v1alpha1';
export const SERVE_KIND = 'ServeConfig';

/** A socket of the file, with the line its entry starts on. */
export interface ConfiguredSocket {
  spec: SocketSpec;
  line: number;
}

export interface ServeConfig {
  file: string;
  sockets: ConfiguredSocket[];
}

const TOP_FIELDS = ['apiVersion', 'kind', 'sockets'];
const SOCKET_FIELDS = [
  'path', 'owner', 'group', 'mode', 'as', 'asGroups', 'asUid', 'readOnly', 'expireAfter', 'expiresAt', 'acceptPaths', 'rejectPaths', 'rejectMethods', 'maxConnections',
];

/** Parses and validates the config file's text (or, with kind ServeGrants, the grants file's). */
export function parseServeConfig(file: string, text: string, kind: string = SERVE_KIND): ServeConfig {
  const lines = new LineCounter();
  // YAML 1.1, as Kubernetes reads its files (sigs.k8s.io/yaml): `yes` is true there too.
  const doc = parseDocument(text, { version: '1.1', lineCounter: lines, prettyErrors: false, logLevel: 'silent' });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const fail = (offset: number | undefined, field: string, message: string) =>
    new ConfigError(`${file}:${lineOf(offset)}: ${field ? `${field}: ` : ''}${message}`);
  const bad = doc.errors[0];
  if (bad) throw fail(bad.pos[0], '', `yaml: ${bad.message.split('\n')[0]}`);
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) throw fail(0, '', 'the file is empty');
  if (!isMap(root)) throw fail(root.range?.[0], '', `want a map with apiVersion: ${SERVE_API_VERSION} and kind: ${kind}`);
  const top = fieldsOf(root, '', TOP_FIELDS, fail);
  for (const [name, want] of [['apiVersion', SERVE_API_VERSION], ['kind', kind]] as const) {
    const f = top.get(name);
    if (!f) throw fail(root.range?.[0], name, `missing; want ${want}`);
    const got = scalarText(f.value);
    if (got !== want) throw fail(start(f), name, `want ${want}, got ${JSON.stringify(got ?? null)}`);
  }
  const sockets: ConfiguredSocket[] = [];
  const list = top.get('sockets');
  if (list && !(isScalar(list.value) && list.value.value === null)) {
    if (!isSeq(list.value)) throw fail(start(list), 'sockets', 'want a list of sockets');
    list.value.items.forEach((item, i) => {
      const field = `sockets[${i}]`;
      const node = item as Node | null;
      if (!isMap(node)) throw fail(node?.range?.[0] ?? start(list), field, 'want a map with path, owner, …');
      sockets.push({ spec: socketOf(node, field, fail), line: lineOf(node.range?.[0]) });
    });
  }
  checkDistinctPaths(sockets, file);
  return { file, sockets };
}

type Fail = (offset: number | undefined, field: string, message: string) => ConfigError;
type Field = { key: Node; value: Node | null };

function start(f: Field): number | undefined {
  return f.key.range?.[0];
}

/** The fields of a map by name; refuses unknown and non-string keys. */
function fieldsOf(map: YAMLMap, prefix: string, known: readonly string[], fail: Fail): Map<string, Field> {
  const out = new Map<string, Field>();
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const name = scalarText(pair.key);
    const at = pair.key?.range?.[0];
    if (name === undefined) throw fail(at, prefix, 'a key that is not a string');
    const path = prefix ? `${prefix}.${name}` : name;
    if (!known.includes(name)) throw fail(at, path, `unknown field; known fields: ${known.join(', ')}`);
    out.set(name, { key: pair.key, value: pair.value });
  }
  return out;
}

/** A scalar's text as written (so `0600` stays 0600, not 600 or 384), or undefined for a collection. */
function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value === null) return undefined;
  if (typeof node.value === 'boolean' || typeof node.value === 'number') return node.source ?? String(node.value);
  if (node.value instanceof Date) return node.source ?? node.value.toISOString();
  return String(node.value);
}

/** A field's plain value: scalar text, booleans as booleans, lists of scalars as lists. */
function plain(node: Node | null): unknown {
  if (isSeq(node)) return node.items.map((n) => plain(n as Node | null));
  if (isMap(node)) return {};
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  return scalarText(node);
}

function socketOf(map: YAMLMap, prefix: string, fail: Fail): SocketSpec {
  const fields = fieldsOf(map, prefix, SOCKET_FIELDS, fail);
  const read = <T>(name: string, check: (v: unknown) => T): T | undefined => {
    const f = fields.get(name);
    if (!f) return undefined;
    try {
      return check(plain(f.value));
    } catch (err) {
      throw fail(f.value?.range?.[0] ?? start(f), `${prefix}.${name}`, (err as Error).message);
    }
  };
  const need = (name: string) => {
    if (!fields.has(name)) throw fail(map.range?.[0], `${prefix}.${name}`, 'required');
  };
  need('path');
  need('owner');
  const path = read('path', checkPath) as string;
  const owner = read('owner', checkAccount) as string;
  const group = read('group', checkAccount);
  const mode = read('mode', (v) => checkMode(checkString(v), group !== undefined)) ?? DEFAULT_SOCKET_MODE;
  if (!fields.has('as') && isNumericAccount(owner)) throw fail(map.range?.[0], `${prefix}.as`, `required when owner is a uid (${owner}): the Kubernetes user to act as`);
  const as = read('as', checkIdentityName) ?? owner;
  const asGroups = read('asGroups', (v) => {
    if (!Array.isArray(v)) throw new Error('want a list of group names');
    return v.map(checkIdentityName);
  }) ?? [];
  const maxConnections = read('maxConnections', checkMaxConnections);
  const expireAfterMs = read('expireAfter', (v) => checkDuration(checkString(v)));
  const expiresAt = read('expiresAt', (v) => checkTime(checkString(v)));
  if (expireAfterMs !== undefined && expiresAt !== undefined) {
    throw fail(start(fields.get('expiresAt') as Field), `${prefix}.expiresAt`, 'give expireAfter or expiresAt, not both');
  }
  return {
    path, owner, mode, as, asGroups,
    ...(group !== undefined && { group }),
    ...(fields.has('asUid') && { asUid: read('asUid', checkIdentityName) as string }),
    readOnly: read('readOnly', checkBool) ?? false,
    ...(expireAfterMs !== undefined && { expireAfterMs }),
    ...(expiresAt !== undefined && { expiresAt }),
    acceptPaths: read('acceptPaths', (v) => checkFilter(v, 'accept-paths')) ?? SERVE_DEFAULT_FILTERS.acceptPaths,
    rejectPaths: read('rejectPaths', (v) => checkFilter(v, 'reject-paths')) ?? SERVE_DEFAULT_FILTERS.rejectPaths,
    rejectMethods: read('rejectMethods', (v) => checkFilter(v, 'reject-methods')) ?? SERVE_DEFAULT_FILTERS.rejectMethods,
    ...(maxConnections !== undefined && { maxConnections }),
  };
}

function checkDistinctPaths(sockets: ConfiguredSocket[], file: string): void {
  const seen = new Map<string, number>();
  sockets.forEach((s, i) => {
    const earlier = seen.get(s.spec.path);
    if (earlier !== undefined) {
      throw new ConfigError(`${file}:${s.line}: sockets[${i}].path: ${s.spec.path} is also the path of sockets[${earlier}] (line ${sockets[earlier]?.line})`);
    }
    seen.set(s.spec.path, i);
  });
}
