/** Build-time facts, injected by esbuild's `define` (scripts/build.mjs); sensible values when run from source. */
declare const __KUBECTL_SOCK_VERSION__: string | undefined;
declare const __KUBECTL_SOCK_COMMIT__: string | undefined;
declare const __KUBECTL_SOCK_BUILD_DATE__: string | undefined;

export const version: string = typeof __KUBECTL_SOCK_VERSION__ === 'string' ? __KUBECTL_SOCK_VERSION__ : 'v0.0.0-dev';
export const gitCommit: string = typeof __KUBECTL_SOCK_COMMIT__ === 'string' ? __KUBECTL_SOCK_COMMIT__ : 'unknown';
export const buildDate: string = typeof __KUBECTL_SOCK_BUILD_DATE__ === 'string' ? __KUBECTL_SOCK_BUILD_DATE__ : '1970-01-01T00:00:00Z';

/** GOOS/GOARCH spelling, as kubectl's platform field. */
export function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}/${arch}`;
}

/** Like kubectl's "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07". */
export function userAgent(): string {
  return `kubectl-sock/${version} (${platform()}) kubectl-sock/${gitCommit.slice(0, 7)}`;
}

/** The embedded Node.js version. */
export function runtimeVersion(): string {
  return process.version;
}
