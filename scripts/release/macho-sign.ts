// Ad-hoc code signing of a thin 64-bit Mach-O executable, as `codesign --sign -
// --identifier ID` does on a Mac: macOS on Apple Silicon kills any binary that
// lacks a valid signature, injecting the SEA blob invalidated Node's own, and
// neither codesign nor ldid exists on Linux. An ad-hoc signature is only the
// hashes of the file, with no certificate: a SuperBlob (Apple's cs_blobs.h)
// holding a CodeDirectory of SHA-256 hashes, one per 4 KiB page up to the
// signature, an empty requirement set, and an empty CMS slot, pointed at by
// LC_CODE_SIGNATURE at the end of __LINKEDIT. scripts/release/macho-verify.ts
// checks the result independently (it shares no code with this file).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const MACH_HEADER_64 = 32;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
/** The version that carries the executable-segment fields (codesign's default since macOS 10.14). */
const CD_VERSION = 0x20400;
const CD_HEADER = 88;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA256 = 2;
const HASH_SIZE = 32;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;

interface Segment { name: string; at: number; fileoff: number; filesize: number }
interface Layout { ncmds: number; sizeofcmds: number; commandsEnd: number; firstData: number; segments: Segment[]; codeSignature?: { at: number; dataoff: number } }

/** The empty requirement set codesign writes for ad-hoc signatures (special slot 2 holds its hash). */
export const EMPTY_REQUIREMENTS = blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4));

/**
 * Returns `binary` signed ad hoc with `identifier`. An existing signature
 * (Node's, or an earlier run's) is replaced; the result depends only on the
 * input, so two releases stay byte-identical.
 */
export function adhocSign(binary: Buffer, identifier: string): Buffer {
  const layout = parseLayout(binary);
  const linkedit = layout.segments.at(-1);
  if (!linkedit || linkedit.name !== '__LINKEDIT') throw new Error('Mach-O: __LINKEDIT is not the last segment');
  // Without a signature the file ends with __LINKEDIT's data; the signature goes after it, 16-byte aligned as codesign does.
  const codeLimit = layout.codeSignature ? layout.codeSignature.dataoff : align(linkedit.fileoff + linkedit.filesize, 16);
  if (layout.codeSignature && codeLimit > binary.length) throw new Error('Mach-O: LC_CODE_SIGNATURE points past the end of the file');
  if (!layout.codeSignature && binary.length > linkedit.fileoff + linkedit.filesize) throw new Error('Mach-O: data after __LINKEDIT would be left unsigned');
  const head = Buffer.alloc(codeLimit);
  binary.copy(head, 0, 0, Math.min(codeLimit, binary.length));

  const commandAt = layout.codeSignature?.at ?? layout.commandsEnd;
  if (!layout.codeSignature) {
    if (layout.commandsEnd + 16 > layout.firstData) throw new Error('Mach-O: no room for LC_CODE_SIGNATURE after the load commands');
    head.writeUInt32LE(layout.ncmds + 1, 16);
    head.writeUInt32LE(layout.sizeofcmds + 16, 20);
    head.writeUInt32LE(LC_CODE_SIGNATURE, commandAt);
    head.writeUInt32LE(16, commandAt + 4);
  }
  const text = layout.segments.find((s) => s.name === '__TEXT');
  if (!text) throw new Error('Mach-O: no __TEXT segment');
  const size = signatureSize(identifier, codeLimit);
  head.writeUInt32LE(codeLimit, commandAt + 8);
  head.writeUInt32LE(size, commandAt + 12);
  // __LINKEDIT grows to hold the signature; its vmsize stays a whole number of the segment's pages.
  const fileEnd = codeLimit + size;
  const vmsize = head.readBigUInt64LE(linkedit.at + 32);
  const page = BigInt(segmentPage(binary));
  const needed = ((BigInt(fileEnd - linkedit.fileoff) + page - 1n) / page) * page;
  head.writeBigUInt64LE(needed > vmsize ? needed : vmsize, linkedit.at + 32);
  head.writeBigUInt64LE(BigInt(fileEnd - linkedit.fileoff), linkedit.at + 48);

  const signature = superBlob(identifier, head, codeLimit, text);
  const out = Buffer.alloc(fileEnd);
  head.copy(out);
  signature.copy(out, codeLimit);
  return out;
}

/** Signs the file in place (a complete file takes the name only once written). */
export function adhocSignFile(path: string, identifier: string): void {
  writeFileSync(`${path}.signing`, adhocSign(readFileSync(path), identifier), { mode: 0o755 });
  renameSync(`${path}.signing`, path);
}

function superBlob(identifier: string, head: Buffer, codeLimit: number, text: Segment): Buffer {
  const cd = codeDirectory(identifier, head, codeLimit, text);
  const cms = blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0));
  const entries: Array<[number, Buffer]> = [[CSSLOT_CODEDIRECTORY, cd], [CSSLOT_REQUIREMENTS, EMPTY_REQUIREMENTS], [CSSLOT_SIGNATURESLOT, cms]];
  const index = Buffer.alloc(12 + 8 * entries.length);
  let offset = index.length;
  index.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  index.writeUInt32BE(entries.length, 8);
  entries.forEach(([slot, b], i) => {
    index.writeUInt32BE(slot, 12 + 8 * i);
    index.writeUInt32BE(offset, 16 + 8 * i);
    offset += b.length;
  });
  index.writeUInt32BE(offset, 4);
  return Buffer.concat([index, ...entries.map(([, b]) => b)]);
}

function codeDirectory(identifier: string, head: Buffer, codeLimit: number, text: Segment): Buffer {
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nSpecial = CSSLOT_REQUIREMENTS; // slot 1 (Info.plist, none: zeros) and slot 2 (requirements)
  const nCode = Math.ceil(codeLimit / PAGE);
  const hashOffset = CD_HEADER + ident.length + nSpecial * HASH_SIZE;
  const cd = Buffer.alloc(hashOffset + nCode * HASH_SIZE);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12); // no hardened runtime: V8's JIT would then need entitlements an ad-hoc signature cannot grant
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER, 20);
  cd.writeUInt32BE(nSpecial, 24);
  cd.writeUInt32BE(nCode, 28);
  cd.writeUInt32BE(codeLimit, 32);
  cd[36] = HASH_SIZE;
  cd[37] = CS_HASHTYPE_SHA256;
  cd[39] = PAGE_SHIFT;
  // scatter, team id, codeLimit64: none (44..63); then the executable segment.
  cd.writeBigUInt64BE(BigInt(text.fileoff), 64);
  cd.writeBigUInt64BE(BigInt(text.filesize), 72);
  cd.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 80);
  ident.copy(cd, CD_HEADER);
  sha256(EMPTY_REQUIREMENTS).copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let page = 0; page < nCode; page++) {
    sha256(head.subarray(page * PAGE, Math.min(codeLimit, (page + 1) * PAGE))).copy(cd, hashOffset + page * HASH_SIZE);
  }
  return cd;
}

/** The signature's size depends only on the identifier and the number of pages, so it is known before hashing. */
function signatureSize(identifier: string, codeLimit: number): number {
  const cd = CD_HEADER + Buffer.byteLength(identifier, 'utf8') + 1 + (CSSLOT_REQUIREMENTS + Math.ceil(codeLimit / PAGE)) * HASH_SIZE;
  return 12 + 3 * 8 + cd + EMPTY_REQUIREMENTS.length + 8;
}

function parseLayout(b: Buffer): Layout {
  if (b.length < MACH_HEADER_64 || b.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a thin 64-bit little-endian Mach-O');
  const ncmds = b.readUInt32LE(16);
  const sizeofcmds = b.readUInt32LE(20);
  const layout: Layout = { ncmds, sizeofcmds, commandsEnd: MACH_HEADER_64 + sizeofcmds, firstData: b.length, segments: [] };
  let at = MACH_HEADER_64;
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(at);
    const cmdsize = b.readUInt32LE(at + 4);
    if (cmdsize < 8 || at + cmdsize > layout.commandsEnd) throw new Error(`Mach-O: load command ${i} overruns the load commands`);
    if (cmd === LC_SEGMENT_64) {
      const seg = { name: cString(b, at + 8, 16), at, fileoff: Number(b.readBigUInt64LE(at + 40)), filesize: Number(b.readBigUInt64LE(at + 48)) };
      layout.segments.push(seg);
      // Section data (not segment data: __TEXT starts at 0 and covers the header) bounds the room for new load commands.
      for (let s = 0; s < b.readUInt32LE(at + 64); s++) {
        const offset = b.readUInt32LE(at + 72 + 80 * s + 48);
        if (offset > 0) layout.firstData = Math.min(layout.firstData, offset);
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      layout.codeSignature = { at, dataoff: b.readUInt32LE(at + 8) };
    }
    at += cmdsize;
  }
  layout.segments.sort((x, y) => x.fileoff - y.fileoff);
  return layout;
}

/** The segments' alignment: 16 KiB pages on arm64, 4 KiB on x86_64. */
function segmentPage(b: Buffer): number {
  return b.readUInt32LE(4) === 0x0100000c ? 0x4000 : 0x1000;
}

function blob(magic: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + payload.length, 4);
  return Buffer.concat([head, payload]);
}

function cString(b: Buffer, at: number, max: number): string {
  const end = b.indexOf(0, at);
  return b.toString('latin1', at, end < 0 || end > at + max ? at + max : end);
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
