// What a running process holds, read from /proc: its open file descriptors, its
// resident memory, and which processes are still alive carrying a marker.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The process's open file descriptors, as /proc/PID/fd lists them. */
export function openFds(pid: number): string[] {
  const out: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      out.push(`${fd} -> ${readlinkSync(`/proc/${pid}/fd/${fd}`)}`);
    } catch {
      // Closed between the listing and the readlink.
    }
  }
  return out;
}

/** Resident set size in KiB (VmRSS of /proc/PID/status). */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/**
 * Processes alive now whose environment holds `marker` (NAME=VALUE). A child
 * inherits its parent's environment, so this finds every descendant of a
 * process started with the marker, even one reparented after its parent died.
 * Zombies are not alive; they have no environment to read.
 */
export function processesWithEnv(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (env.includes(marker)) found.push(Number(name));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Polls until the process holds at most `want` descriptors, or `timeoutMs` is up; returns the last listing. */
export async function settledFds(pid: number, want: number, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let fds = openFds(pid);
  while (fds.length > want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    fds = openFds(pid);
  }
  return fds;
}
