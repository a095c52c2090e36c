import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { FlagValue } from '../cli/flags.ts';
import type { Ctx } from '../context.ts';
import { kubeconfigPaths } from '../kube/clientcmd/kubeconfig.ts';

/**
 * The relays recent runs used, by what decided them: so a run whose inputs
 * are unchanged goes straight to its relay's kubeconfig, without parsing the
 * kubeconfig or hashing an identity (a warm passthrough's largest costs
 * after Node's own start). A client-side cache like kubectl's discovery
 * cache, kept in the state folder; a miss, or a relay that no longer
 * answers, falls back to resolving everything.
 */
const RECENT_FILE = 'recent.json';
const KEEP = 32;

export interface RecentRelay {
  inputs: string;
  dir: string;
  kubeconfig: string;
}

/** Flags whose values are credentials: a run given one is never remembered, so the file never holds one. */
const SECRET_FLAGS = new Set(['token', 'password']);
/** Flags whose values may be paths relative to the working folder. */
const PATH_FLAGS = ['kubeconfig', 'certificate-authority', 'client-certificate', 'client-key', 'server'];
/** What client-config.ts and the transport read from the environment. */
const ENV = ['KUBECONFIG', 'KUBERNETES_MASTER', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/**
 * Everything resolveClientConfig reads, as text: the connection flags and
 * -n, the environment it reads, the home folder, each kubeconfig file's
 * identity and change time (a rewritten file is a miss), the working folder
 * when a path may be relative to it, and the build. Undefined when a
 * credential is among them, or the config would come from a pod's service account.
 */
export function runInputs(ctx: Ctx, flags: ReadonlyMap<string, FlagValue>, build: string): string | undefined {
  if ([...flags.keys()].some((k) => SECRET_FLAGS.has(k)) || ctx.env['KUBERNETES_SERVICE_HOST']) return undefined;
  const explicitPath = flags.get('kubeconfig');
  const { paths } = kubeconfigPaths({ explicitPath: typeof explicitPath === 'string' ? explicitPath : undefined, env: ctx.env, home: ctx.home, cwd: ctx.cwd });
  const files = paths.map((p) => {
    try {
      const st = statSync(p);
      return [p, st.ino, st.size, st.mtimeMs, st.ctimeMs];
    } catch {
      return [p];
    }
  });
  const relative = PATH_FLAGS.some((k) => flags.has(k)) || (ctx.env['KUBECONFIG'] ?? '').split(':').some((e) => e !== '' && !isAbsolute(e));
  return JSON.stringify({
    build, home: ctx.home, cwd: relative ? ctx.cwd : '', files,
    env: ENV.map((k) => ctx.env[k] ?? null),
    flags: [...flags.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  });
}

/** The relay a run with these inputs used last, if it is remembered. */
export function recall(root: string, inputs: string): RecentRelay | undefined {
  return readRecent(root).find((r) => r.inputs === inputs);
}

/** Remembers the relay of these inputs (most recent first, at most KEEP). */
export async function remember(root: string, entry: RecentRelay): Promise<void> {
  const { writePrivateFile } = await import('./relay-files.ts');
  const rest = readRecent(root).filter((r) => r.inputs !== entry.inputs);
  writePrivateFile(join(root, RECENT_FILE), `${JSON.stringify([entry, ...rest].slice(0, KEEP))}\n`);
}

function readRecent(root: string): RecentRelay[] {
  try {
    const list = JSON.parse(readFileSync(join(root, RECENT_FILE), 'utf8')) as unknown;
    return Array.isArray(list) ? (list as RecentRelay[]) : [];
  } catch {
    return [];
  }
}
