import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SEA_FUSE_ON, inspectExecutable, withoutPeSignature } from '../../../../scripts/release/executable-format.ts';

function elf(machine: number, extra = ''): Buffer {
  const b = Buffer.alloc(64 + extra.length);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeUInt16LE(machine, 18);
  b.write(extra, 64, 'latin1');
  return b;
}

/** A minimal PE32+ image: DOS header, PE header at 0x80, an optional header, then `body`, then a certificate table. */
function pe(machine: number, certificate: Buffer | undefined, body = Buffer.alloc(256, 0xaa)): Buffer {
  const headers = Buffer.alloc(0x80 + 24 + 240);
  headers.write('MZ', 0, 'latin1');
  headers.writeUInt32LE(0x80, 0x3c);
  headers.writeUInt32BE(0x50450000, 0x80);
  headers.writeUInt16LE(machine, 0x84);
  const optional = 0x80 + 24;
  headers.writeUInt16LE(0x20b, optional);
  headers.writeUInt32LE(0x1234, optional + 64);
  const image = Buffer.concat([headers, body]);
  if (!certificate) return image;
  image.writeUInt32LE(image.length, optional + 112 + 32);
  image.writeUInt32LE(certificate.length, optional + 112 + 36);
  return Buffer.concat([image, certificate]);
}

test('inspectExecutable :: ELF machines', () => {
  assert.equal(inspectExecutable(elf(0x3e)), { format: 'elf-x86_64', sea: false, peSigned: false });
  assert.equal(inspectExecutable(elf(0xb7)), { format: 'elf-aarch64', sea: false, peSigned: false });
  assert.is(inspectExecutable(elf(0x28)).format, 'unknown'); // 32-bit ARM is not released
});

test('inspectExecutable :: the SEA fuse counts only when it is on', () => {
  assert.is(inspectExecutable(elf(0xb7, SEA_FUSE_ON)).sea, true);
  assert.is(inspectExecutable(elf(0xb7, SEA_FUSE_ON.replace(/:1$/, ':0'))).sea, false);
});

test('inspectExecutable :: PE machine and signature', () => {
  assert.equal(inspectExecutable(pe(0x8664, Buffer.alloc(64, 1))), { format: 'pe-x86_64', sea: false, peSigned: true });
  assert.equal(inspectExecutable(pe(0x8664, undefined)), { format: 'pe-x86_64', sea: false, peSigned: false });
  assert.is(inspectExecutable(pe(0xaa64, undefined)).format, 'unknown');
});

test('inspectExecutable :: neither ELF nor PE', () => {
  assert.is(inspectExecutable(Buffer.from('#!/bin/sh\necho hi\n')).format, 'unknown');
  assert.is(inspectExecutable(Buffer.alloc(0)).format, 'unknown');
});

test('withoutPeSignature :: cuts the certificate table and zeroes its entry and the checksum', () => {
  const unsigned = pe(0x8664, undefined);
  const stripped = withoutPeSignature(pe(0x8664, Buffer.alloc(64, 1)));
  assert.is(stripped.length, unsigned.length);
  assert.is(inspectExecutable(stripped).peSigned, false);
  assert.is(stripped.readUInt32LE(0x80 + 24 + 64), 0);
  assert.equal(stripped.subarray(0x80 + 24 + 240), unsigned.subarray(0x80 + 24 + 240));
});

test('withoutPeSignature :: an unsigned image is returned as it is; a table not at the end is refused', () => {
  const unsigned = pe(0x8664, undefined);
  assert.is(withoutPeSignature(unsigned), unsigned);
  const trailing = Buffer.concat([pe(0x8664, Buffer.alloc(64, 1)), Buffer.alloc(8)]);
  assert.throws(() => withoutPeSignature(trailing), /not at the end/);
  assert.throws(() => withoutPeSignature(elf(0x3e)), /not a PE image/);
});

test.run();
