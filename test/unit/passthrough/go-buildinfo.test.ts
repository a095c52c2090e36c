// passthrough/go-buildinfo.ts: a Go binary's module versions, read as Go's
// debug/buildinfo reads them, from the three executable formats kubectl ships
// in. The files here are minimal ones of each format around a build info blob
// laid out as Go 1.18+ writes it; the real kubectl's (Kustomize Version in
// `kubectl sock version`) is compared in test/e2e/version-kustomize.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGoModuleVersions } from '../../../plugin/passthrough/go-buildinfo.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';

const MOD = [
  'path\tk8s.io/kubernetes/cmd/kubectl',
  'mod\tk8s.io/kubernetes\t(devel)\t',
  'dep\tsigs.k8s.io/kustomize/kustomize/v5\tv5.6.0\th1:abc=',
  'dep\tsigs.k8s.io/yaml\tv1.4.0\th1:def=',
  '=>\tsigs.k8s.io/yaml\tv1.4.1\th1:ghi=',
  'build\t-compiler=gc',
  '',
].join('\n');

function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** The .go.buildinfo contents: a 32-byte header (magic, pointer size, inline flag), the Go version, the module information between sentinels. */
function blob(): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8;
  header[15] = 2;
  const version = Buffer.from('go1.24.2');
  const mod = Buffer.concat([Buffer.alloc(16, 0x30), Buffer.from(MOD), Buffer.alloc(16, 0xf9)]);
  return Buffer.concat([header, uvarint(version.length), version, uvarint(mod.length), mod]);
}

/** An ELF64 file: header, the data, a section name table, and section headers (null, .shstrtab, .go.buildinfo). */
function elf(): Buffer {
  const data = blob();
  const names = Buffer.from('\0.shstrtab\0.go.buildinfo\0');
  const dataAt = 64;
  const namesAt = dataAt + data.length;
  const shoff = namesAt + names.length;
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 2;
  h[5] = 1;
  h.writeBigUInt64LE(BigInt(shoff), 0x28);
  h.writeUInt16LE(64, 0x3a);
  h.writeUInt16LE(3, 0x3c);
  h.writeUInt16LE(1, 0x3e);
  const section = (name: number, offset: number, size: number) => {
    const s = Buffer.alloc(64);
    s.writeUInt32LE(name, 0);
    s.writeBigUInt64LE(BigInt(offset), 0x18);
    s.writeBigUInt64LE(BigInt(size), 0x20);
    return s;
  };
  return Buffer.concat([h, data, names, Buffer.alloc(64), section(1, namesAt, names.length), section(11, dataAt, data.length)]);
}

/** A 64-bit Mach-O file with one __DATA segment holding the __go_buildinfo section. */
function macho(): Buffer {
  const data = blob();
  const cmdSize = 72 + 80;
  const dataAt = 32 + cmdSize;
  const h = Buffer.alloc(32);
  h.writeUInt32LE(0xfeedfacf, 0);
  h.writeUInt32LE(1, 16);
  h.writeUInt32LE(cmdSize, 20);
  const seg = Buffer.alloc(72);
  seg.writeUInt32LE(0x19, 0);
  seg.writeUInt32LE(cmdSize, 4);
  seg.write('__DATA', 8);
  seg.writeBigUInt64LE(BigInt(dataAt), 40);
  seg.writeUInt32LE(3, 56);
  seg.writeUInt32LE(3, 60);
  seg.writeUInt32LE(1, 64);
  const sect = Buffer.alloc(80);
  sect.write('__go_buildinfo', 0);
  sect.write('__DATA', 16);
  sect.writeBigUInt64LE(BigInt(data.length), 40);
  sect.writeUInt32LE(dataAt, 48);
  return Buffer.concat([h, seg, sect, data]);
}

/** A PE file whose first read-write initialized data section holds the build info. */
function pe(): Buffer {
  const data = blob();
  const dos = Buffer.alloc(64);
  dos.write('MZ', 0);
  dos.writeUInt32LE(64, 0x3c);
  const coff = Buffer.alloc(24);
  coff.write('PE\0\0', 0, 'latin1');
  coff.writeUInt16LE(1, 6);
  const dataAt = 64 + 24 + 40;
  const sect = Buffer.alloc(40);
  sect.write('.data', 0);
  sect.writeUInt32LE(data.length, 8);
  sect.writeUInt32LE(0x1000, 12);
  sect.writeUInt32LE(data.length, 16);
  sect.writeUInt32LE(dataAt, 20);
  sect.writeUInt32LE(0xc0000040, 36);
  return Buffer.concat([dos, coff, sect, data]);
}

const dir = tempDir('ksock-buildinfo-');

for (const [format, bytes] of [['ELF', elf()], ['Mach-O', macho()], ['PE', pe()]] as const) {
  test(`readGoModuleVersions :: ${format}: each dep's version, as Go reports it (a replacement does not change it)`, () => {
    const file = join(dir, format);
    writeFileSync(file, bytes);
    const deps = readGoModuleVersions(file);
    assert.is(deps?.get('sigs.k8s.io/kustomize/kustomize/v5'), 'v5.6.0');
    assert.is(deps?.get('sigs.k8s.io/yaml'), 'v1.4.0');
    assert.is(deps?.size, 2);
  });
}

test('readGoModuleVersions :: no build info: a shell script, a missing file, a header cut short', () => {
  const script = join(dir, 'script');
  writeFileSync(script, '#!/bin/sh\nexec kubectl "$@"\n');
  assert.is(readGoModuleVersions(script), undefined);
  assert.is(readGoModuleVersions(join(dir, 'missing')), undefined);
  const cut = join(dir, 'cut');
  writeFileSync(cut, elf().subarray(0, 100));
  assert.is(readGoModuleVersions(cut), undefined);
});

test.run();
