// helm v4, built from the Go module proxy (test/helm/go.mod) into
// ~/.cache/kubectl-sock/helm/<version>/bin, for `kubectl sock env -- helm`
// against the real API server. Never committed; a cold build takes minutes.
import { join } from 'node:path';
import { ensureGoTools, requiredVersion } from './go-tools.ts';
import { ROOT } from './processes.ts';

const MODULE_DIR = join(ROOT, 'test', 'helm');

/** The helm binary, built on first use and reused after. */
export function ensureHelm(): string {
  const version = requiredVersion(MODULE_DIR, 'helm.sh/helm/v4');
  // helm reads its version from here; unset, it calls itself v4.0+unreleased.
  const ldflags = `-X helm.sh/helm/v4/internal/version.version=${version}`;
  return join(ensureGoTools({ moduleDir: MODULE_DIR, name: 'helm', version, packages: ['helm.sh/helm/v4/cmd/helm'], ldflags }), 'helm');
}
