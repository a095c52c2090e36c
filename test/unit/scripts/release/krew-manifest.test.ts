import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { defaultUrlBase, renderKrewManifest } from '../../../../scripts/release/krew-manifest.ts';

const platform = { os: 'linux', arch: 'arm64', uri: 'https://x.example/a.tar.gz', sha256: 'ab'.repeat(32), binary: 'kubectl-sock' };

test('renderKrewManifest :: a krew v1alpha2 Plugin named sock, versioned v + package version', () => {
  const m = parse(renderKrewManifest('1.2.3', [platform]));
  assert.is(m.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
  assert.is(m.kind, 'Plugin');
  assert.equal(m.metadata, { name: 'sock' });
  assert.is(m.spec.version, 'v1.2.3');
  assert.is(m.spec.homepage, 'https://github.com/kubectl-sock/kubectl-sock');
  // krew refuses a short description with a line break.
  assert.not.match(m.spec.shortDescription, /\n/);
});

test('renderKrewManifest :: each platform selects os/arch and installs the binary, the completion helper and LICENSE', () => {
  const m = parse(renderKrewManifest('1.2.3', [platform, { ...platform, os: 'windows', arch: 'amd64', binary: 'kubectl-sock.exe' }]));
  assert.equal(m.spec.platforms[0], {
    selector: { matchLabels: { os: 'linux', arch: 'arm64' } },
    uri: platform.uri,
    sha256: platform.sha256,
    files: [{ from: 'kubectl-sock', to: '.' }, { from: 'kubectl_complete-sock', to: '.' }, { from: 'LICENSE', to: '.' }],
    bin: 'kubectl-sock',
  });
  assert.is(m.spec.platforms[1].bin, 'kubectl-sock.exe');
  assert.is(m.spec.platforms[1].files[0].from, 'kubectl-sock.exe');
});

test('renderKrewManifest :: the caveats state the security model and link the completion helper of this version', () => {
  const { caveats, description } = parse(renderKrewManifest('1.2.3', [platform])).spec;
  assert.match(caveats, /file permissions are its access control/);
  assert.match(caveats, /never sent over a plaintext transport/);
  assert.match(caveats, /--insecure-skip-tls-verify-backend asks the API server not to verify the\s+kubelet's serving certificate/);
  assert.match(caveats, /pose as that kubelet could then show you false logs/);
  assert.ok(caveats.includes('ln -s "${KREW_ROOT:-$HOME/.krew}/store/sock/v1.2.3/kubectl_complete-sock" "${KREW_ROOT:-$HOME/.krew}/bin/"'), caveats);
  // The description tells what the plugin is for; flags belong to --help.
  assert.not.match(description, /(^|\s)--?[a-z]/m);
});

test('defaultUrlBase :: the GitHub release folder of the version', () => {
  assert.is(defaultUrlBase('1.2.3'), 'https://github.com/kubectl-sock/kubectl-sock/releases/download/v1.2.3');
});

test.run();
