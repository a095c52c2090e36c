import { existsSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayInfo } from './relay-files.ts';

/**
 * Makes kubectl's discovery cache folder for the relay
 * (<cacheDir>/discovery/127.0.0.1_PORT: computeDiscoverCacheDir of the relay
 * kubeconfig's server) a link to the upstream's own folder, the one
 * kubectl-sock's native commands cache in (and kubectl itself, for an https
 * upstream). So there is one cache per upstream, as with kubectl alone:
 * discovery.ts reads kubectl's newer files and clears them after its own
 * fetch. A relay that comes back on the same port finds the link in place;
 * a port that served another upstream before is pointed at this one.
 * A readlink and a stat when the link is in place; a failure costs only the sharing.
 */
export function linkDiscoveryCache(cacheDir: string, info: Pick<RelayInfo, 'address' | 'discovery'>): void {
  if (!info.discovery) return;
  const parent = join(cacheDir, 'discovery');
  const link = join(parent, info.address.replace(/[^(\w/.)]/g, '_'));
  try {
    // The upstream's folder must be there too: through a dangling link kubectl's
    // MkdirAll fails ("mkdir …: file exists") and kubectl caches nothing.
    if (readlinkSync(link) === info.discovery && existsSync(link)) return;
  } catch {
    // No link yet, or kubectl's own folder of a former relay on this port: replaced below.
  }
  const aside = `${link}.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}.tmp`;
  let made = false;
  try {
    mkdirSync(join(parent, info.discovery), { recursive: true, mode: 0o750 });
    symlinkSync(info.discovery, aside);
    made = true;
    // What was there is kubectl's cache of this port under a former relay, maybe of another upstream.
    rmSync(link, { recursive: true, force: true });
    renameSync(aside, link);
  } catch {
    // Before the link was made the folder may be no folder at all (a file, /dev/null): nothing to undo.
    if (made) rmSync(aside, { force: true });
  }
}

/**
 * The cache folder kubectl uses for these arguments: --cache-dir, else
 * KUBECACHEDIR, else ~/.kube/cache (cli-runtime's getDefaultCacheDir; an
 * empty flag is the default). pflag's rules: --cache-dir=X or --cache-dir X,
 * anywhere before `--`, the last one set wins, and kubectl's flag set takes
 * "_" for "-" in a flag's name (cliflag.WordSepNormalizeFunc: --cache_dir).
 */
export function kubectlCacheDir(env: Readonly<Record<string, string | undefined>>, home: string, args: readonly string[] = []): string {
  let flag = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (!a.startsWith('--cache')) continue;
    const eq = a.indexOf('=');
    if ((eq < 0 ? a : a.slice(0, eq)).replaceAll('_', '-') !== '--cache-dir') continue;
    flag = eq < 0 ? args[++i] ?? '' : a.slice(eq + 1);
  }
  return flag || env['KUBECACHEDIR'] || join(home, '.kube', 'cache');
}
