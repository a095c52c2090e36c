// One kubeconfig file's text → its clusters, users and contexts, with relative
// paths resolved against the file's folder (client-go ResolveLocalPaths).
import { dirname, isAbsolute, join } from 'node:path';
import { ConfigError } from '../../errors.ts';
import { resolveServerAddress } from '../../transport/address.ts';
import type { AuthInfo, Cluster, Context, KubeconfigFile } from './kubeconfig-types.ts';

import { checkKubeconfigTypes } from './kubeconfig-schema.ts';
import { duplicateNameError } from './kubeconfig-duplicates.ts';
import { readKubeconfigYaml } from './kubeconfig-yaml.ts';

/**
 * Parses one kubeconfig file's text. The full YAML parser is loaded only for a
 * file the subset reader leaves to it (kubeconfig-yaml.ts).
 */
export async function parseKubeconfigFile(path: string, text: string, home: string): Promise<KubeconfigFile> {
  let doc = readKubeconfigYaml(text);
  if (doc === undefined) doc = (await import('./kubeconfig-document.ts')).parseFirstDocument(path, text);
  return kubeconfigFile(path, doc, home);
}

/** One file's parsed document, checked as client-go's decoder checks it. */
function kubeconfigFile(path: string, doc: unknown, home: string): KubeconfigFile {
  const problem = unregisteredKind(doc) ?? checkKubeconfigTypes(doc);
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
 * clientcmd decodes a file with its scheme, which knows one type: v1 Config. An
 * empty apiVersion or kind defaults to it (observed with kubectl 1.33); any
 * other is refused before the fields are read.
 */
function unregisteredKind(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const { apiVersion, kind } = doc as Record<string, unknown>;
  const version = typeof apiVersion === 'string' && apiVersion !== '' ? apiVersion : 'v1';
  const k = typeof kind === 'string' && kind !== '' ? kind : 'Config';
  if (version === 'v1' && k === 'Config') return undefined;
  return `no kind "${k}" is registered for version "${version}" in scheme "k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50"`;
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
