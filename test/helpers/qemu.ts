// Runs linux/arm64 binaries on this x86_64 machine through qemu-user, with
// Debian's arm64 cross libraries (/usr/aarch64-linux-gnu) as the sysroot for
// the dynamic loader, libc and libstdc++. Installs them with apt-get on first use.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const QEMU = '/usr/bin/qemu-aarch64-static';
const SYSROOT = '/usr/aarch64-linux-gnu';
const PACKAGES = ['qemu-user-static', 'libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross'];

export type Arm64Runner = { command: string; args: (binary: string, args: readonly string[]) => string[] } | { unavailable: string };

function installed(): boolean {
  return existsSync(QEMU) && existsSync(`${SYSROOT}/lib/ld-linux-aarch64.so.1`) && existsSync(`${SYSROOT}/lib/libstdc++.so.6`);
}

function aptGet(args: readonly string[]): { ok: boolean; output: string } {
  const r = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 600_000 });
  return { ok: r.status === 0, output: `${r.error?.message ?? ''}${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** qemu-aarch64 with the arm64 sysroot, or why it cannot be had here. */
export function arm64Runner(): Arm64Runner {
  if (!installed()) {
    if (process.getuid?.() !== 0) return { unavailable: `${PACKAGES.join(', ')} are not installed, and installing them needs root` };
    let r = aptGet(['install', '-y', '-qq', ...PACKAGES]);
    // A fresh machine may have no package lists yet.
    if (!r.ok) r = aptGet(['update', '-qq']).ok ? aptGet(['install', '-y', '-qq', ...PACKAGES]) : r;
    if (!r.ok || !installed()) return { unavailable: `apt-get install ${PACKAGES.join(' ')} failed: ${r.output.trim().split('\n').slice(-3).join(' / ')}` };
  }
  return { command: QEMU, args: (binary, args) => ['-L', SYSROOT, binary, ...args] };
}
