// The ad-hoc signer against the independent verifier, on a small Mach-O
// built here (the release test runs both on the real darwin binaries, and
// the verifier on Apple's own signature of Node).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { adhocSign } from '../../../../scripts/release/macho-sign.ts';
import { verifyMachORelease, type MachCpu } from '../../../../scripts/release/macho-verify.ts';
import { SEA_FUSE_ON, inspectExecutable } from '../../../../scripts/release/executable-format.ts';

const CPU = { x86_64: 0x01000007, arm64: 0x0100000c } as const;

/** __TEXT (header + a __text section holding the SEA fuse), NODE_SEA, then __LINKEDIT ending the file. */
function machO(cpu: MachCpu, opts: { fuse?: string; sea?: boolean } = {}): Buffer {
  const segments: Array<{ name: string; fileoff: number; filesize: number; section?: [string, number, number] }> = [
    { name: '__PAGEZERO', fileoff: 0, filesize: 0 },
    { name: '__TEXT', fileoff: 0, filesize: 0x2000, section: ['__text', 0x1000, 0x1000] },
    ...(opts.sea === false ? [] : [{ name: 'NODE_SEA', fileoff: 0x2000, filesize: 0x1000, section: ['__NODE_SEA_BLOB', 0x2000, 0x321] as [string, number, number] }]),
    { name: '__LINKEDIT', fileoff: 0x3000, filesize: 0x1234 },
  ];
  const file = Buffer.alloc(0x3000 + 0x1234);
  for (let i = 0x1000; i < file.length; i++) file[i] = (i * 7919) & 0xff;
  let at = 32;
  for (const s of segments) {
    const size = 72 + (s.section ? 80 : 0);
    file.writeUInt32LE(0x19, at);
    file.writeUInt32LE(size, at + 4);
    file.write(s.name, at + 8, 'latin1');
    file.writeBigUInt64LE(BigInt(s.fileoff), at + 40);
    file.writeBigUInt64LE(BigInt(s.filesize), at + 48);
    file.writeBigUInt64LE(BigInt(s.filesize), at + 32);
    if (s.section) {
      file.writeUInt32LE(1, at + 64);
      file.write(s.section[0], at + 72, 'latin1');
      file.write(s.name, at + 88, 'latin1');
      file.writeBigUInt64LE(BigInt(s.section[2]), at + 112);
      file.writeUInt32LE(s.section[1], at + 120);
    }
    at += size;
  }
  file.writeUInt32LE(0xfeedfacf, 0);
  file.writeUInt32LE(CPU[cpu], 4);
  file.writeUInt32LE(2, 12); // MH_EXECUTE
  file.writeUInt32LE(segments.length, 16);
  file.writeUInt32LE(at - 32, 20);
  file.write(opts.fuse ?? SEA_FUSE_ON, 0x1100, 'latin1');
  return file;
}

const verify = (b: Buffer, cpu: MachCpu = 'arm64', identifier = 'kubectl-sock') => verifyMachORelease(b, { cpu, identifier });
const fails = (b: Buffer, message: RegExp, cpu: MachCpu = 'arm64') => assert.throws(() => verify(b, cpu), message);

test('adhocSign :: the signature passes the verifier, for both CPUs, with identifier, code limit and every page', () => {
  for (const cpu of ['x86_64', 'arm64'] as const) {
    const unsigned = machO(cpu);
    const signed = adhocSign(unsigned, 'kubectl-sock');
    const report = verify(signed, cpu);
    // The code limit is the old end of file, rounded up to 16 bytes; everything before it is unchanged but the header.
    assert.equal(report, { cpu, identifier: 'kubectl-sock', flags: 0x2, codeLimit: 0x4240, pages: 5, seaBlobSize: 0x321 });
    assert.equal(signed.subarray(0x1000, unsigned.length), unsigned.subarray(0x1000));
    assert.is(signed.readUInt32LE(16), unsigned.readUInt32LE(16) + 1, 'one more load command: LC_CODE_SIGNATURE');
    assert.is(inspectExecutable(signed).format, cpu === 'arm64' ? 'macho-arm64' : 'macho-x86_64');
  }
});

test('adhocSign :: re-signing replaces the signature and gives the same bytes (a release is reproducible)', () => {
  const once = adhocSign(machO('arm64'), 'kubectl-sock');
  assert.ok(adhocSign(once, 'kubectl-sock').equals(once));
  const renamed = adhocSign(once, 'other');
  assert.is(verify(renamed, 'arm64', 'other').identifier, 'other');
  assert.is(renamed.readUInt32LE(16), once.readUInt32LE(16), 'the existing LC_CODE_SIGNATURE is reused');
});

test('adhocSign :: __LINKEDIT grows to cover the signature, its vmsize in whole segment pages', () => {
  const signed = adhocSign(machO('arm64'), 'kubectl-sock');
  const linkedit = 32 + 72 + 152 + 152; // the fourth segment command
  assert.is(signed.toString('latin1', linkedit + 8, linkedit + 18), '__LINKEDIT');
  assert.is(Number(signed.readBigUInt64LE(linkedit + 48)), signed.length - 0x3000);
  assert.is(Number(signed.readBigUInt64LE(linkedit + 32)), 0x4000);
});

test('verifier :: one flipped byte in a code page fails it, naming the page', () => {
  const signed = adhocSign(machO('x86_64'), 'kubectl-sock');
  for (const at of [0x1fff, 0x3000, 0x4233]) {
    const bad = Buffer.from(signed);
    bad[at]! ^= 0x01;
    fails(bad, new RegExp(`^page ${Math.floor(at / 4096)} \\(bytes ${Math.floor(at / 4096) * 4096}\\.\\.\\) does not match its hash$`), 'x86_64');
  }
});

test('verifier :: the signature itself: a changed hash slot, requirements blob, identifier, flags or code limit', () => {
  const signed = adhocSign(machO('arm64'), 'kubectl-sock');
  const sig = signed.readUInt32LE(signed.readUInt32LE(20) + 32 - 16 + 8); // LC_CODE_SIGNATURE is the last command: its dataoff
  const cd = sig + signed.readUInt32BE(sig + 16); // slot 0's offset
  const requirements = sig + signed.readUInt32BE(sig + 24);
  const tamper = (at: number, value: number, write: 'u8' | 'u32' = 'u8') => {
    const b = Buffer.from(signed);
    if (write === 'u8') b[at] = value;
    else b.writeUInt32BE(value, at);
    return b;
  };
  const hashOffset = signed.readUInt32BE(cd + 16);
  fails(tamper(cd + hashOffset + 3 * 32, 0), /^page 3 /);
  fails(tamper(requirements + 11, 1), /^special slot 2 does not match its blob$/);
  fails(tamper(cd + hashOffset - 64, 0), /^special slot 2 does not match its blob$/);
  fails(tamper(cd + hashOffset - 32, 1), /^special slot 1 does not match an absent blob \(all zeros\)$/);
  fails(tamper(cd + 88, 0x4b), /^identifier "Kubectl-sock", not "kubectl-sock"$/);
  fails(tamper(cd + 12, 0x10002, 'u32'), /^hardened runtime is on/);
  fails(tamper(cd + 12, 0, 'u32'), /^the CodeDirectory is not marked ad hoc/);
  fails(tamper(cd + 32, 0x4000, 'u32'), /^code limit 16384 is not the signature's offset 16960$/);
  fails(tamper(cd + 37, 1), /^hash type 1 size 32, not SHA-256$/);
  fails(tamper(cd + 39, 14), /^page size 2\^14, not 4096$/);
  fails(signed.subarray(0, signed.length - 1), /^segment __LINKEDIT lies outside the file/);
});

test('verifier :: the CPU, the NODE_SEA segment and the fuse', () => {
  fails(adhocSign(machO('x86_64'), 'kubectl-sock'), /^CPU type 0x1000007, not arm64$/);
  fails(adhocSign(machO('arm64', { sea: false }), 'kubectl-sock'), /^no NODE_SEA segment/);
  fails(adhocSign(machO('arm64', { fuse: SEA_FUSE_ON.replace(/:1$/, ':0') }), 'kubectl-sock'), /^the SEA fuse is off$/);
  fails(machO('arm64'), /^0 LC_CODE_SIGNATURE commands, not 1$/);
  fails(Buffer.from('MZ not a Mach-O at all, but long enough'), /^not a thin 64-bit Mach-O/);
});

test('adhocSign :: refuses what it cannot sign whole', () => {
  assert.throws(() => adhocSign(Buffer.concat([machO('arm64'), Buffer.from('trailer')]), 'kubectl-sock'), /data after __LINKEDIT would be left unsigned/);
  assert.throws(() => adhocSign(Buffer.alloc(64), 'kubectl-sock'), /not a thin 64-bit little-endian Mach-O/);
});

test('page hashes :: SHA-256 of each 4 KiB page, the last one short', () => {
  const signed = adhocSign(machO('x86_64'), 'kubectl-sock');
  const sig = signed.readUInt32LE(signed.readUInt32LE(20) + 32 - 16 + 8);
  const cd = sig + signed.readUInt32BE(sig + 16);
  const hashes = cd + signed.readUInt32BE(cd + 16);
  const last = createHash('sha256').update(signed.subarray(0x4000, 0x4240)).digest();
  assert.ok(signed.subarray(hashes + 4 * 32, hashes + 5 * 32).equals(last));
});

test.run();
