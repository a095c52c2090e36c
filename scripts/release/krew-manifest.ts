// Renders the krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2
// Plugin, as sigs.k8s.io/krew/pkg/index defines it) for one release.
import { stringify } from 'yaml';

export interface ManifestPlatform {
  os: string;
  arch: string;
  uri: string;
  sha256: string;
  binary: string;
}

export const HOMEPAGE = 'https://github.com/kubectl-sock/kubectl-sock';
export const COMPLETION_SCRIPT = 'kubectl_complete-sock';

/** The default download folder of a release; RELEASE_URL_BASE replaces it. */
export function defaultUrlBase(version: string): string {
  return `${HOMEPAGE}/releases/download/v${version}`;
}

const SHORT_DESCRIPTION = 'Reach the API server over a unix or plain tcp socket';

const DESCRIPTION = `kubectl sock lets kubectl reach a Kubernetes API server over a unix
socket or a plain tcp socket, for example a socket served by kubectl proxy
or by its own \`kubectl sock proxy\`, whose file permissions decide who may
use the cluster. It gets resources and reads pod logs natively, serves a
socket proxy, and runs any other kubectl command (and helm or any other
tool, with kubectl sock env) through a private, shared relay.
It can also read logs from a kubelet whose serving certificate has expired,
by asking the API server to skip that one check.
`;

function caveats(version: string): string {
  const root = '${KREW_ROOT:-$HOME/.krew}';
  return `Security:
* A socket's file permissions are its access control: whoever can open it
  acts with the credentials of the proxy behind it. \`kubectl sock proxy\`
  creates owner-only (0600) sockets unless told otherwise.
* Credentials are never sent over a plaintext transport (unix://, tcp://,
  http://); the proxy behind the socket holds them.
* --insecure-skip-tls-verify-backend asks the API server not to verify the
  kubelet's serving certificate, for that one log request only: whoever can
  pose as that kubelet could then show you false logs. Use it only while an
  expired kubelet certificate is being renewed.

Shell completion of \`kubectl sock\` (kubectl 1.26 or newer): krew links
only the plugin binary onto your PATH, so link its completion helper too:
  ln -s "${root}/store/sock/v${version}/${COMPLETION_SCRIPT}" "${root}/bin/"
`;
}

export function renderKrewManifest(version: string, platforms: readonly ManifestPlatform[]): string {
  const manifest = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: { name: 'sock' },
    spec: {
      version: `v${version}`,
      homepage: HOMEPAGE,
      shortDescription: SHORT_DESCRIPTION,
      description: DESCRIPTION,
      caveats: caveats(version),
      platforms: platforms.map((p) => ({
        selector: { matchLabels: { os: p.os, arch: p.arch } },
        uri: p.uri,
        sha256: p.sha256,
        files: [p.binary, COMPLETION_SCRIPT, 'LICENSE'].map((f) => ({ from: f, to: '.' })),
        bin: p.binary,
      })),
    },
  };
  return stringify(manifest, { lineWidth: 0 });
}
