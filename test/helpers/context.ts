import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
import type { Ctx } from '../../plugin/context.ts';

/** A Writable that remembers what was written. */
export class Capture extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A Ctx for running commands in-process, with captured stdout/stderr. */
export function testCtx(overrides: Partial<Ctx> & { env?: Record<string, string | undefined> } = {}): {
  ctx: Ctx;
  out: Capture;
  err: Capture;
  abort: AbortController;
} {
  const out = new Capture();
  const err = new Capture();
  const abort = new AbortController();
  const ctx: Ctx = {
    streams: { in: new PassThrough(), out, errOut: err, stdinIsTTY: false },
    env: {},
    cwd: process.cwd(),
    home: '/nonexistent-home',
    signal: abort.signal,
    now: () => new Date(),
    spawn,
    pid: 4242,
    uid: process.geteuid?.() ?? -1,
    execPath: '/nonexistent/kubectl-sock',
    tmpDir: tmpdir(),
    ...overrides,
  };
  return { ctx, out, err, abort };
}
