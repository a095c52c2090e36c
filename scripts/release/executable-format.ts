// Reads just enough of an ELF, PE or Mach-O header to tell what a release
// binary is built for, since cross-built binaries cannot be run here to find
// out (macho-verify.ts checks a Mach-O's signature in full).
import type { ExecutableFormat } from './platforms.ts';

/**
 * postject flips this fuse's last byte from 0 to 1 when it injects a SEA blob
 * (Node's src/node_sea.cc reads it at start-up). Kept in two pieces so that
 * the whole string never appears in this file's own text.
 */
export const SEA_FUSE_ON = 'NODE_SEA_FUSE_' + 'fce680ab2cc467b6e072b8b5df1996b2:1';

export interface ExecutableInfo {
  format: ExecutableFormat | 'unknown';
  /** A SEA blob was injected (the fuse is on). */
  sea: boolean;
  /** PE only: an Authenticode certificate table is present. */
  peSigned: boolean;
}

const ELF_MACHINES: Readonly<Record<number, ExecutableFormat>> = { 0x3e: 'elf-x86_64', 0xb7: 'elf-aarch64' };
const PE_MACHINES: Readonly<Record<number, ExecutableFormat>> = { 0x8664: 'pe-x86_64' };
const MACHO_CPUS: Readonly<Record<number, ExecutableFormat>> = { 0x01000007: 'macho-x86_64', 0x0100000c: 'macho-arm64' };

export function inspectExecutable(bytes: Buffer): ExecutableInfo {
  const sea = bytes.includes(SEA_FUSE_ON, 0, 'latin1');
  if (isElf64(bytes)) return { format: ELF_MACHINES[bytes.readUInt16LE(18)] ?? 'unknown', sea, peSigned: false };
  // MH_MAGIC_64, little-endian: thin 64-bit Mach-O (Node's darwin builds are one CPU each, not universal).
  if (bytes.length >= 32 && bytes.readUInt32LE(0) === 0xfeedfacf) return { format: MACHO_CPUS[bytes.readUInt32LE(4)] ?? 'unknown', sea, peSigned: false };
  const pe = peHeader(bytes);
  if (pe) return { format: PE_MACHINES[pe.machine] ?? 'unknown', sea, peSigned: pe.securitySize > 0 };
  return { format: 'unknown', sea, peSigned: false };
}

/**
 * The same PE image with its Authenticode signature removed (as `signtool
 * remove /s` does): injecting a SEA blob invalidates Node's signature, and a
 * stale one is worse than none. The certificate table sits at the end of the
 * file, outside every section, so it is cut off and its directory entry zeroed.
 */
export function withoutPeSignature(bytes: Buffer): Buffer {
  const pe = peHeader(bytes);
  if (!pe) throw new Error('not a PE image');
  if (pe.securitySize === 0) return bytes;
  if (pe.securityOffset + pe.securitySize !== bytes.length) throw new Error('the PE certificate table is not at the end of the file');
  const out = Buffer.from(bytes.subarray(0, pe.securityOffset));
  out.writeUInt32LE(0, pe.securityEntry);
  out.writeUInt32LE(0, pe.securityEntry + 4);
  out.writeUInt32LE(0, pe.checksum); // 0 means "not computed"; only drivers are checked against it
  return out;
}

function isElf64(b: Buffer): boolean {
  // 64-bit (EI_CLASS 2), little-endian (EI_DATA 1): the only ELF flavours released.
  return b.length > 20 && b.readUInt32BE(0) === 0x7f454c46 && b[4] === 2 && b[5] === 1;
}

interface PeHeader { machine: number; checksum: number; securityEntry: number; securityOffset: number; securitySize: number }

function peHeader(b: Buffer): PeHeader | undefined {
  if (b.length < 0x40 || b.toString('latin1', 0, 2) !== 'MZ') return undefined;
  const pe = b.readUInt32LE(0x3c);
  if (pe + 24 + 112 + 40 > b.length || b.readUInt32BE(pe) !== 0x50450000) return undefined;
  const optional = pe + 24;
  const pe32plus = b.readUInt16LE(optional) === 0x20b;
  // Data directory 4 is the certificate table; its "address" is a file offset.
  const securityEntry = optional + (pe32plus ? 112 : 96) + 4 * 8;
  return {
    machine: b.readUInt16LE(pe + 4),
    checksum: optional + 64,
    securityEntry,
    securityOffset: b.readUInt32LE(securityEntry),
    securitySize: b.readUInt32LE(securityEntry + 4),
  };
}
