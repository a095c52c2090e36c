import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../errors.ts';
import type { AuthInfo, Cluster, Context, KubeconfigFile, MergedKubeconfig } from './kubeconfig-types.ts';

/** Where kubeconfig files come from: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
export interface KubeconfigSources {
  explicitPath?: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  cwd: string;
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

/**
 * Reads and merges the kubeconfig files as kubectl does. The parsing code is
 * loaded only when there is a file to parse: `--server` alone needs none.
 */
export async function loadKubeconfig(src: KubeconfigSources): Promise<MergedKubeconfig> {
  const { paths, explicit } = kubeconfigPaths(src);
  const texts: [string, string][] = [];
  for (const path of paths) {
    const text = readKubeconfigText(path, explicit, src.cwd);
    if (text !== undefined) texts.push([path, text]);
  }
  if (texts.length === 0) return mergeKubeconfigs([]);
  const { parseKubeconfigFile } = await import('./kubeconfig-file.ts');
  const files = [];
  for (const [path, text] of texts) files.push(await parseKubeconfigFile(path, text, src.home));
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
