import { closeSync, openSync, readSync } from 'node:fs';
import type { Ctx } from '../context.ts';
import { InterruptedError } from '../errors.ts';
import { isExecutable } from './kubectl-path.ts';
import { runKubectl } from './run-kubectl.ts';

/**
 * Runs `program` in this process's place: execve(2) where the platform has
 * it, so the terminal, signals, job control and exit status are the
 * program's own with no Node process in between; else (Windows, or a file
 * execve cannot start) as a child with the terminal attached, passing
 * signals on and returning its status as a shell reports it. `argv0` is the
 * name the program sees itself called by (a shell passes the word typed).
 */
export async function handOver(ctx: Ctx, program: string, args: readonly string[], env: Record<string, string>, argv0 = program): Promise<number> {
  if (ctx.signal.aborted) throw new InterruptedError(ctx.signal.reason);
  if (ctx.execve && execveCanStart(program)) {
    try {
      ctx.execve(program, [argv0, ...args], env);
    } catch {
      // Node 26 throws where Node 24 aborts; the checks above leave only rare failures: spawn reports them.
    }
  }
  return runKubectl(ctx, program, args, env, argv0);
}

/**
 * Whether execve(2) will start the file. Node 24 aborts the process when
 * execve fails, so what could fail is checked first: a script needs its
 * interpreter (a script without `#!` runs under /bin/sh only through
 * execvp's fallback, which spawn has); a dynamically linked ELF binary needs
 * the loader it names (a glibc kubectl on a musl system fails with ENOENT).
 */
export function execveCanStart(path: string): boolean {
  const head = readHead(path, 4096);
  if (!head) return false;
  if (head[0] === 0x23 && head[1] === 0x21) {
    const line = head.subarray(2, head.indexOf(0x0a) < 0 ? head.length : head.indexOf(0x0a)).toString('latin1').trim();
    const interpreter = line.split(/[ \t]/)[0] ?? '';
    return interpreter.startsWith('/') && isExecutable(interpreter);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) return false;
  const loader = elfInterpreter(path, head);
  return loader === undefined || isExecutable(loader);
}

function readHead(path: string, n: number, position = 0): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, position);
    return got >= 4 ? buf.subarray(0, got) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The PT_INTERP path of an ELF file (its dynamic loader), or undefined for a static binary. */
function elfInterpreter(path: string, head: Buffer): string | undefined {
  const is64 = head[4] === 2;
  const le = head[5] === 1;
  const u16 = (b: Buffer, at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const word = (b: Buffer, at: number) => (is64 ? Number(le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : u32(b, at));
  const phoff = word(head, is64 ? 0x20 : 0x1c);
  const phentsize = u16(head, is64 ? 0x36 : 0x2a);
  const phnum = u16(head, is64 ? 0x38 : 0x2c);
  const table = readHead(path, phentsize * phnum, phoff);
  if (!table) return undefined;
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    if (u32(table, at) !== 3) continue; // PT_INTERP
    const offset = word(table, at + (is64 ? 8 : 4));
    const size = word(table, at + (is64 ? 32 : 16));
    return readHead(path, size, offset)?.toString('latin1').replace(/\0.*$/s, '');
  }
  return undefined;
}
