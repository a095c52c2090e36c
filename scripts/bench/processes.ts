// What the server benchmarks share about the processes they measure: starting
// one until it says it is ready, and the CPU time it has used.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Starts a process and resolves with its first stdout line matching `ready`. */
export function startUntil(cmd: string, args: string[], ready: RegExp, children: ChildProcess[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent' } });
    children.push(child);
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      const line = out.split('\n').find((l) => ready.test(l));
      if (line !== undefined) ok(line);
    });
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`${cmd} exited (${code}) before it was ready: ${out}`)));
  });
}
