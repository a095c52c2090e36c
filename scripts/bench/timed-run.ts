// One run of a command under GNU time, as every client-side benchmark measures it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface TimedRun {
  /** Wall time around the whole process. */
  ms: number;
  /** User + system CPU time: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  /** Peak RSS in KiB, from time's report. */
  rssKb: number;
  /** What it printed, when asked for (else it went to /dev/null). */
  stdout: string;
}

/**
 * Runs `cmd` under /usr/bin/time, which writes its figures to `statsFile`.
 * Stdout goes to /dev/null unless `keepStdout`: reading it through a pipe
 * would cost the measured program time a table sent to /dev/null does not.
 */
export function timedRun(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, statsFile: string, keepStdout = false): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', statsFile, cmd, ...args], { env, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr?.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      const [rss = '0', user = '0', sys = '0'] = (readFileSync(statsFile, 'utf8').trim().split('\n').pop() ?? '').split(' ');
      resolve({ ms, cpuMs: (Number(user) + Number(sys)) * 1000, rssKb: Number(rss), stdout });
    });
  });
}
