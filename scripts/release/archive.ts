// Release archives that depend only on their contents: every entry gets the
// same mtime (SOURCE_DATE_EPOCH), owner root:root, a fixed mode and a sorted
// place; gzip's header carries no name and no time (node:zlib writes mtime 0).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface ArchiveEntry {
  /** The name inside the archive (its top level). */
  name: string;
  source: string;
  mode: 0o755 | 0o644;
}

/** Copies the entries into `stage` with their modes and the release mtime. */
export function stage(dir: string, entries: readonly ArchiveEntry[], epoch: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const e of entries) {
    const to = join(dir, e.name);
    copyFileSync(e.source, to);
    chmodSync(to, e.mode);
    utimesSync(to, epoch, epoch);
  }
}

export async function writeTarGz(stageDir: string, names: readonly string[], out: string, epoch: number): Promise<void> {
  const tar = spawn('tar', [
    '--create', '--file=-', `--directory=${stageDir}`,
    '--sort=name', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '--format=gnu',
    // --sort orders what tar finds in folders; the names given are archived in the order given.
    '--', ...[...names].sort(),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', resolve);
  });
  await pipeline(tar.stdout, createGzip({ level: 6 }), createWriteStream(out));
  const code = await exited;
  if (code !== 0) throw new Error(`tar exited with ${code} writing ${out}`);
}

/** `zip -X` drops the extra fields (uid/gid, extended times) that would vary; TZ=UTC fixes the DOS times. */
export function writeZip(stageDir: string, names: readonly string[], out: string): void {
  const r = spawnSync('zip', ['-q', '-X', '-D', '-6', out, '--', ...[...names].sort()], {
    cwd: stageDir,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.error) throw new Error(`zip is needed for the Windows archive (apt-get install zip): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`zip exited with ${r.status} writing ${out}`);
}
