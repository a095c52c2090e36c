// Runs linux/arm64 binaries on this x86_64 machine through qemu-user, with
// Debian's arm64 cross libraries (/usr/aarch64-linux-gnu) as the sysroot for
// the dynamic loader, libc, libstdc++ and (since Node 26) libatomic. Installs them with apt-get on first use.
import { existsSync } from 'node:fs';
import { ensureDebianPackages } from './apt.ts';

const QEMU = '/usr/bin/qemu-aarch64-static';
const SYSROOT = '/usr/aarch64-linux-gnu';
const PACKAGES = ['qemu-user-static', 'libc6-arm64-cross', 'libstdc++6-arm64-cross', 'libgcc-s1-arm64-cross', 'libatomic1-arm64-cross'];

export type Arm64Runner = { command: string; args: (binary: string, args: readonly string[]) => string[] } | { unavailable: string };

/** qemu-aarch64 with the arm64 sysroot, or why it cannot be had here. */
export function arm64Runner(): Arm64Runner {
  const unavailable = ensureDebianPackages(PACKAGES, () =>
    existsSync(QEMU) && existsSync(`${SYSROOT}/lib/ld-linux-aarch64.so.1`) && existsSync(`${SYSROOT}/lib/libstdc++.so.6`) && existsSync(`${SYSROOT}/lib/libatomic.so.1`));
  if (unavailable) return { unavailable };
  return { command: QEMU, args: (binary, args) => ['-L', SYSROOT, binary, ...args] };
}
