// Parity on the real API server: kubectl-sock over a socket versus kubectl over
// TLS to the same server, compared on stdout, stderr and exit code. Shared by
// the real tier's test files (not a test file itself).
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { ControlPlane } from '../helpers/control-plane.ts';
import { BINARY, kubectl, sock, startBackground, startKubectlProxy, type Background, type RunResult } from '../helpers/processes.ts';

/** How kubectl-sock reaches the server: the global flags put before the command. */
export interface Transport {
  name: string;
  flags: string[];
}

/** The three ways in: real `kubectl proxy --unix-socket`, `kubectl sock proxy --unix-socket`, and kubectl-sock's own TLS. */
export interface Transports {
  kubectlProxy: Transport;
  sockProxy: Transport;
  https: Transport;
  all: Transport[];
  stop(): Promise<void>;
}

/** Starts both unix-socket proxies in front of the control plane. */
export async function startTransports(cp: ControlPlane): Promise<Transports> {
  const running: Background[] = [];
  try {
    const kubectlSock = join(cp.dir, 'kubectl-proxy.sock');
    running.push(await startKubectlProxy(cp.kubeconfig, { unixSocket: kubectlSock }));
    const sockSock = join(cp.dir, 'sock-proxy.sock');
    running.push(await startBackground(BINARY, ['proxy', '--kubeconfig', cp.kubeconfig, `--unix-socket=${sockSock}`], /^Starting to serve on /));
    const kubectlProxy = { name: 'kubectl proxy --unix-socket', flags: ['--server', `unix://${kubectlSock}`] };
    const sockProxy = { name: 'kubectl sock proxy --unix-socket', flags: ['--server', `unix://${sockSock}`] };
    const https = { name: 'kubectl-sock over https', flags: ['--kubeconfig', cp.kubeconfig] };
    return { kubectlProxy, sockProxy, https, all: [kubectlProxy, sockProxy, https], stop: () => stopAll(running) };
  } catch (err) {
    await stopAll(running);
    throw err;
  }
}

async function stopAll(running: Background[]): Promise<void> {
  await Promise.all(running.map((b) => b.stop()));
}

/** The oracle: kubectl 1.33 straight to the API server over TLS with the admin token. */
export function oracle(cp: ControlPlane, args: readonly string[]): Promise<RunResult> {
  return kubectl(['--kubeconfig', cp.kubeconfig, ...args]);
}

/**
 * Asserts that kubectl-sock over each transport prints what kubectl prints.
 * Ages ("7s", "2m5s") tick between runs, so on a mismatch the oracle runs
 * again: an exact match with either run passes; otherwise the texts must match
 * with ages masked and column padding collapsed (an age crossing "9s" → "10s"
 * widens a column), which still catches every other difference.
 */
export async function assertParity(cp: ControlPlane, transports: Transport | Transport[], args: readonly string[], opts: ParityOptions = {}): Promise<RunResult[]> {
  const runOracle = async () => {
    const r = await oracle(cp, args);
    return { ...r, stderr: normalizeOracle(r.stderr) };
  };
  const before = await runOracle();
  let after: RunResult | undefined;
  const results: RunResult[] = [];
  const list = Array.isArray(transports) ? transports : [transports];
  // Read-only commands: the transports run side by side.
  const runs = await Promise.all(list.map((t) => sock([...t.flags, ...args], { env: opts.env })));
  for (const [i, t] of list.entries()) {
    const ours = runs[i] as RunResult;
    const label = `kubectl sock ${args.join(' ')} (${t.name})`;
    for (const stream of ['stdout', 'stderr'] as const) {
      const prep = (text: string) => comparable(stream, text, opts);
      if (prep(ours[stream]) === prep(before[stream])) continue;
      after ??= await runOracle();
      if (prep(ours[stream]) === prep(after[stream])) continue;
      assert.fixture(maskAges(prep(ours[stream])), maskAges(prep(before[stream])), `${stream} of ${label}`);
    }
    assert.is(ours.code, before.code, `exit code of ${label}; stderr: ${ours.stderr}`);
    results.push(ours);
  }
  return results;
}

/** How assertParity compares. */
export interface ParityOptions {
  /** Compare sorted lines (kubectl's order of concurrent streams is random). */
  sortLines?: boolean;
  /** Compare only stderr's first line (kubectl-sock may add a hint after kubectl's words). */
  firstStderrLine?: boolean;
  env?: Record<string, string>;
}

function comparable(stream: 'stdout' | 'stderr', text: string, opts: ParityOptions): string {
  let t = stream === 'stderr' ? stableText(text) : text;
  if (stream === 'stderr' && opts.firstStderrLine) t = t.split('\n')[0] ?? '';
  return opts.sortLines ? t.split('\n').sort().join('\n') : t;
}

/** kubectl names itself "kubectl" where kubectl-sock says "kubectl sock". */
export function normalizeOracle(text: string): string {
  return text.replaceAll("'kubectl ", "'kubectl sock ").replace(/\bkubectl\.1\.\d+ /g, 'kubectl sock ');
}

/** What differs between two runs of the same command: klog stamps and the x509 message's clock. */
export function stableText(text: string): string {
  return text
    .replace(/^([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /gm, '$1MMDD hh:mm:ss.uuuuuu PID ')
    .replace(/current time \S+ is after/g, 'current time <now> is after');
}

/** Go's duration.HumanDuration outputs below a day, replaced, with runs of spaces collapsed. */
export function maskAges(text: string): string {
  return text.replace(/\b\d+(?:h\d+m|h|m\d+s|m|s)\b/g, '<age>').replace(/ {2,}/g, ' ');
}
