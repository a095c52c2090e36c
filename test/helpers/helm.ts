// helm v4, built from the Go module proxy (test/helm/go.mod) into
// ~/.cache/kubectl-sock/helm/<version>/bin, for `kubectl sock env -- helm`
// against the real API server. Never committed; a cold build takes a few minutes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

const MODULE_DIR = join(ROOT, 'test', 'helm');

/** The helm version test/helm/go.mod pins. */
export function helmVersion(): string {
  const m = /^\s*helm\.sh\/helm\/v4 (v\S+)/m.exec(readFileSync(join(MODULE_DIR, 'go.mod'), 'utf8'));
  if (!m?.[1]) throw new Error('test/helm/go.mod does not require helm.sh/helm/v4');
  return m[1];
}

/** The helm binary, built on first use and reused after. */
export function ensureHelm(): string {
  const version = helmVersion();
  const cache = process.env['KUBECTL_SOCK_CACHE'] ?? join(process.env['HOME'] ?? '/nonexistent', '.cache', 'kubectl-sock');
  const bin = join(cache, 'helm', version, 'bin');
  const helm = join(bin, 'helm');
  if (existsSync(helm)) return helm;
  const partial = join(cache, 'helm', version, `.bin.${process.pid}`);
  mkdirSync(partial, { recursive: true });
  try {
    process.stderr.write(`helm: building ${version} from Go modules into ${bin} (once)\n`);
    execFileSync('go', [
      'build', '-trimpath', '-buildvcs=false',
      // helm reads its version from here; unset, it calls itself v4.0+unreleased.
      '-ldflags', `-X helm.sh/helm/v4/internal/version.version=${version}`,
      '-o', `${partial}/`, 'helm.sh/helm/v4/cmd/helm',
    ], {
      cwd: MODULE_DIR,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOWORK: 'off', GOFLAGS: '-mod=readonly -p=2',
        GOMODCACHE: join(cache, 'go', 'mod'), GOCACHE: join(cache, 'go', 'build'),
      },
    });
    rmSync(bin, { recursive: true, force: true });
    // Only a complete build takes the cached name.
    renameSync(partial, bin);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return helm;
}
