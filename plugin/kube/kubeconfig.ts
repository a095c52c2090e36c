import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../errors.ts';
import { resolveServerAddress } from '../transport/address.ts';
import type { AuthInfo, Cluster, Context, MergedKubeconfig } from './kubeconfig-types.ts';
import { checkKubeconfigTypes } from './kubeconfig-schema.ts';
import { duplicateNameError } from './kubeconfig-duplicates.ts';

/** Where kubeconfig files come from: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
export interface KubeconfigSources {
  explicitPath?: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd: string;
}

/** One parsed file, its relative paths already resolved against its folder. */
export interface KubeconfigFile {
  path: string;
  currentContext?: string;
  clusters: [string, Cluster][];
  users: [string, AuthInfo][];
  contexts: [string, Context][];
}

/**
 * The files to read, in precedence order (client-go ClientConfigLoadingRules):
 * an explicit path must exist; $KUBECONFIG entries are de-duplicated and may be missing.
 */
export function kubeconfigPaths(src: KubeconfigSources): { paths: string[]; explicit: boolean } {
  if (src.explicitPath) return { paths: [resolve(src.cwd, src.explicitPath)], explicit: true };
  const list = src.env['KUBECONFIG'];
  if (list) {
    const seen = new Set<string>();
    for (const entry of list.split(':')) if (entry !== '') seen.add(resolve(src.cwd, entry));
    return { paths: [...seen], explicit: false };
  }
  return { paths: [join(src.home, '.kube', 'config')], explicit: false };
}

/** Reads and merges the kubeconfig files as kubectl does. */
export function loadKubeconfig(src: KubeconfigSources): MergedKubeconfig {
  const { paths, explicit } = kubeconfigPaths(src);
  const files: KubeconfigFile[] = [];
  for (const path of paths) {
    const text = readKubeconfigText(path, explicit, src.cwd);
    if (text === undefined) continue;
    files.push(parseKubeconfigFile(path, text, src.home));
  }
  return mergeKubeconfigs(files);
}

function readKubeconfigText(path: string, explicit: boolean, cwd: string): string | undefined {
  try {
    if (statSync(path).isDirectory()) throw new ConfigError(`error loading config file "${path}": read ${path}: is a directory`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // client-go: "A missing ExplicitPath file produces an error. Empty filenames or other missing files are ignored."
    if (code === 'ENOENT' && !explicit) return undefined;
    const shown = explicit ? displayPath(path, cwd) : path;
    if (code === 'ENOENT') throw new ConfigError(`stat ${shown}: no such file or directory`);
    if (code === 'EACCES') throw new ConfigError(`error loading config file "${shown}": open ${shown}: permission denied`);
    throw err;
  }
}

/** kubectl reports an explicit path as the user typed it when it was relative. */
function displayPath(path: string, cwd: string): string {
  return path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path;
}

/** Parses one kubeconfig file's text. Exported for table-driven tests. */
export function parseKubeconfigFile(path: string, text: string, home: string): KubeconfigFile {
  const doc = parseFirstDocument(path, text);
  const problem = checkKubeconfigTypes(doc);
  if (problem) throw new ConfigError(`error loading config file "${path}": ${problem}`);
  const obj = doc as Record<string, unknown>;
  const duplicate = duplicateNameError(obj);
  if (duplicate) throw new ConfigError(`error loading config file "${path}": ${duplicate}`);
  const dir = dirname(path);
  const file: KubeconfigFile = { path, clusters: [], users: [], contexts: [] };
  if (typeof obj['current-context'] === 'string' && obj['current-context'] !== '') file.currentContext = obj['current-context'];
  for (const { name, value } of namedEntries(obj['clusters'], 'cluster')) {
    file.clusters.push([name, resolveClusterPaths({ ...(value as Cluster) }, dir, home)]);
  }
  for (const { name, value } of namedEntries(obj['users'], 'user')) {
    file.users.push([name, resolveUserPaths({ ...(value as AuthInfo) }, dir)]);
  }
  for (const { name, value } of namedEntries(obj['contexts'], 'context')) file.contexts.push([name, { ...(value as Context) }]);
  return file;
}

/**
 * go-yaml (sigs.k8s.io/yaml) reads YAML 1.1 (`yes`, `on`, `y` are booleans there
 * too) and only the first document of a stream; it refuses an unknown %directive.
 */
function parseFirstDocument(path: string, text: string): unknown {
  let problem: string | undefined;
  try {
    const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    problem = doc?.errors[0]?.message;
    if (!problem && doc?.warnings.some((w) => w.code === 'BAD_DIRECTIVE')) problem = 'found unknown directive name';
    if (!problem) return doc?.toJS() ?? {};
  } catch (err) {
    problem = (err as Error).message;
  }
  throw new ConfigError(`error loading config file "${path}": yaml: ${firstLine(problem)}`);
}

function namedEntries(list: unknown, key: string): { name: string; value: unknown }[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
    .map((e) => ({ name: String(e['name'] ?? ''), value: e[key] ?? {} }));
}

/**
 * client-go ResolveLocalPaths: file references in a kubeconfig are relative to
 * that file's folder. A relative socket path in `server` follows the same rule.
 */
function resolveClusterPaths(c: Cluster, dir: string, home: string): Cluster {
  if (c['certificate-authority']) c['certificate-authority'] = resolvePath(c['certificate-authority'], dir);
  if (c.server) {
    try {
      const address = resolveServerAddress(c.server, { baseDir: dir, home, defaultTLS: false });
      if (address.transport === 'unix') c.server = address.display;
    } catch {
      // Left as written: the error surfaces when (and only if) this cluster is used.
    }
  }
  return c;
}

function resolveUserPaths(u: AuthInfo, dir: string): AuthInfo {
  if (u['client-certificate']) u['client-certificate'] = resolvePath(u['client-certificate'], dir);
  if (u['client-key']) u['client-key'] = resolvePath(u['client-key'], dir);
  if (u.tokenFile) u.tokenFile = resolvePath(u.tokenFile, dir);
  // Only a command with a path separator is file-relative; a bare name is looked up on PATH.
  if (u.exec?.command && u.exec.command.includes('/')) u.exec = { ...u.exec, command: resolvePath(u.exec.command, dir) };
  return u;
}

function resolvePath(p: string, dir: string): string {
  return p === '' || isAbsolute(p) ? p : join(dir, p);
}

/**
 * client-go's merge: the first file to set a named cluster, user or context wins
 * whole; the first file to set current-context wins.
 */
export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    currentContext: '',
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    files: files.map((f) => f.path),
  };
  for (const file of files) {
    if (!merged.currentContext && file.currentContext) merged.currentContext = file.currentContext;
    for (const [name, c] of file.clusters) if (!merged.clusters.has(name)) merged.clusters.set(name, c);
    for (const [name, u] of file.users) if (!merged.users.has(name)) merged.users.set(name, u);
    for (const [name, c] of file.contexts) if (!merged.contexts.has(name)) merged.contexts.set(name, c);
  }
  return merged;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
