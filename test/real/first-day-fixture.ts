// What issue #19's tests share: kubectl-sock and kubectl 1.33 run side by side
// on the same server, their stdout, stderr and exit code compared. Each run gets
// a discovery cache of its own (cold unless a test warms it), so the one's cache
// never answers for the other.
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/kubeconfig-builder.ts';
import { KUBECTL, kubectl, sock, type RunOptions, type RunResult } from '../helpers/processes.ts';
import { maskAges, normalizeOracle, stableText } from './parity.ts';

export interface Pair {
  ours: RunResult;
  theirs: RunResult;
}

export interface SideBySide {
  /** Extra arguments for kubectl-sock only (how it reaches the server: a socket). */
  sockArgs?: string[];
  /** Extra arguments for kubectl only (how it reaches the same server: TLS). */
  kubectlArgs?: string[];
  env?: Record<string, string>;
  /** Each side's discovery cache: fresh and empty ('cold', the default) or the one given. */
  cacheDir?: string;
  /** Masks what must differ and is not the point of the comparison (names of temporary files, the plugin's version). */
  prep?: (text: string) => string;
}

/** Runs `args` through kubectl-sock and kubectl 1.33 at once. */
export async function sideBySide(args: readonly string[], o: SideBySide = {}): Promise<Pair> {
  const cache = (side: string) => ['--cache-dir', o.cacheDir ?? join(mkdtempSync(join(tempDir('ksock-19-cache-'), side)), 'cache')];
  const opts: RunOptions = { env: { KUBECTL_SOCK_KUBECTL: KUBECTL, ...o.env }, timeoutMs: 60_000 };
  const [ours, theirs] = await Promise.all([
    sock([...cache('s'), ...(o.sockArgs ?? []), ...args], opts),
    kubectl([...cache('k'), ...(o.kubectlArgs ?? []), ...args], opts),
  ]);
  return { ours, theirs };
}

/** The texts two runs are compared on: klog stamps, ages and kubectl's own name made alike. */
export function comparable(text: string, prep: (t: string) => string = (t) => t): string {
  return maskAges(prep(normalizeOracle(stableText(text))));
}

/** kubectl-sock printed what kubectl printed, byte for byte but for stamps and ages, and ended the same. */
export function assertSame(p: Pair, label: string, prep?: (t: string) => string): void {
  assert.fixture(comparable(p.ours.stdout, prep), comparable(p.theirs.stdout, prep), `stdout of ${label}`);
  assert.fixture(comparable(p.ours.stderr, prep), comparable(p.theirs.stderr, prep), `stderr of ${label}`);
  assert.is(p.ours.code, p.theirs.code, `exit code of ${label}; stderr: ${p.ours.stderr}`);
}

/** Runs side by side and asserts the same answer; returns both. */
export async function same(args: readonly string[], o: SideBySide = {}): Promise<Pair> {
  const p = await sideBySide(args, o);
  assertSame(p, args.join(' '), o.prep);
  return p;
}

/** kubectl-sock's own "Client Version" line, where kubectl prints its two. */
export function clientVersionsAlike(text: string): string {
  return text.replace(/^Client Version: .*\n(Kustomize Version: .*\n)?/m, 'Client Version: <client>\n');
}
