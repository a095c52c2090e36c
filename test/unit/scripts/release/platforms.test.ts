import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PLATFORMS, archiveName, platformName, selectPlatforms } from '../../../../scripts/release/platforms.ts';
import { sha256sums } from '../../../../scripts/release/checksums.ts';

test('archiveName :: kubectl-sock_VERSION_OS_ARCH, a zip for Windows', () => {
  assert.equal(PLATFORMS.map((p) => archiveName(p, '0.1.0')), [
    'kubectl-sock_0.1.0_linux_amd64.tar.gz',
    'kubectl-sock_0.1.0_linux_arm64.tar.gz',
    'kubectl-sock_0.1.0_windows_amd64.zip',
  ]);
});

test('PLATFORMS :: only linux/amd64 is the host build; Windows binaries end in .exe', () => {
  assert.equal(PLATFORMS.filter((p) => p.host).map(platformName), ['linux/amd64']);
  for (const p of PLATFORMS) assert.is(p.binary.endsWith('.exe'), p.os === 'windows');
});

test('selectPlatforms :: all by default, by name otherwise, and an unknown name is an error', () => {
  assert.is(selectPlatforms([]).length, PLATFORMS.length);
  assert.equal(selectPlatforms(['windows/amd64']).map(platformName), ['windows/amd64']);
  assert.throws(() => selectPlatforms(['darwin/arm64']), /unknown platform "darwin\/arm64" \(known: linux\/amd64, linux\/arm64, windows\/amd64\)/);
});

test('sha256sums :: sha256sum\'s format, sorted by name', () => {
  assert.is(sha256sums(new Map([['b.zip', '22'], ['a.tar.gz', '11']])), '11  a.tar.gz\n22  b.zip\n');
});

test.run();
