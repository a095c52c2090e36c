// The shared relays a test started: their state (relay.json in each relay's
// folder), their processes (found by /proc, as a user would with ps), and
// `relay stop --all` to end them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sock, testRuntimeDir, type RunResult } from './processes.ts';

export interface RelayState {
  name: string;
  pid: number;
  address: string;
  persist: boolean;
  dir: string;
}

/** The state folder of the relays under a runtime folder (XDG_RUNTIME_DIR). */
export const stateRootOf = (runtime = testRuntimeDir()) => join(runtime, 'kubectl-sock');

/**
 * Every relay.json under the runtime folder: the relays started and not ended
 * cleanly. A relay writes it once it serves, after the run that started it
 * has already become kubectl: `relay list` first waits for every relay to answer.
 */
export async function relayStates(runtime = testRuntimeDir()): Promise<RelayState[]> {
  await sock(['relay', 'list'], { env: { XDG_RUNTIME_DIR: runtime } });
  const root = stateRootOf(runtime);
  if (!existsSync(root)) return [];
  const out: RelayState[] = [];
  for (const name of readdirSync(root)) {
    const file = join(root, name, 'relay.json');
    if (existsSync(file)) out.push({ ...(JSON.parse(readFileSync(file, 'utf8')) as RelayState), dir: join(root, name) });
  }
  return out;
}

/** Live `kubectl-sock __relay` processes whose XDG_RUNTIME_DIR is `runtime`. */
export function relayProcesses(runtime = testRuntimeDir()): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0');
      if (argv[1] !== '__relay') continue;
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(`XDG_RUNTIME_DIR=${runtime}`)) found.push(Number(name));
    } catch {
      // Gone.
    }
  }
  return found;
}

/**
 * `kubectl sock relay stop --all` in the runtime folder, then waits for the
 * relay processes to end (a stopped relay has closed its control socket; its
 * process ends a moment later).
 */
export async function stopAllRelays(env: Record<string, string> = {}): Promise<RunResult> {
  const r = await sock(['relay', 'stop', '--all'], { env });
  const runtime = env['XDG_RUNTIME_DIR'] ?? testRuntimeDir();
  await eventually('the stopped relays to end', () => relayProcesses(runtime).length === 0);
  return r;
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
