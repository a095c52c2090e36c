// Checks a macOS release binary the way the kernel will when it maps it
// (XNU's cs_validate_csblob and the page-in hash check), since no Mac is at
// hand to run it: a thin Mach-O for the expected CPU, with the SEA blob in
// its NODE_SEA segment and the SEA fuse on; an embedded signature at the end
// of __LINKEDIT whose CodeDirectory hashes every 4 KiB page of the file up to
// the signature, names the expected identifier, and whose special slots match
// the blobs they stand for. Written apart from macho-sign.ts, from Apple's
// cs_blobs.h and mach-o/loader.h, and sharing no code with it: a mistake in
// the signer must show up here, not be repeated.
import { createHash } from 'node:crypto';

export type MachCpu = 'x86_64' | 'arm64';

const CPU_TYPES: Readonly<Record<MachCpu, number>> = { x86_64: 0x01000007, arm64: 0x0100000c };
const MH_EXECUTE = 2;
const SEA_FUSE = 'NODE_SEA_FUSE_' + 'fce680ab2cc467b6e072b8b5df1996b2:';

/** What the verifier found, for messages and tests. */
export interface MachOReport {
  cpu: string;
  identifier: string;
  flags: number;
  codeLimit: number;
  pages: number;
  seaBlobSize: number;
}

class Reader {
  readonly b: Buffer;
  constructor(b: Buffer) {
    this.b = b;
  }
  need(at: number, len: number, what: string): void {
    if (!Number.isSafeInteger(at) || at < 0 || len < 0 || at + len > this.b.length) throw new Error(`${what} lies outside the file (${at}+${len} > ${this.b.length})`);
  }
  le32(at: number): number {
    this.need(at, 4, 'a field');
    return this.b.readUInt32LE(at);
  }
  le64(at: number): number {
    this.need(at, 8, 'a field');
    return Number(this.b.readBigUInt64LE(at));
  }
  name16(at: number): string {
    this.need(at, 16, 'a name');
    const raw = this.b.subarray(at, at + 16);
    const nul = raw.indexOf(0);
    return raw.toString('latin1', 0, nul < 0 ? 16 : nul);
  }
}

interface Seg { name: string; fileoff: number; filesize: number; sections: Array<{ name: string; offset: number; size: number }> }

/**
 * A kubectl-sock release binary for macOS: a validly signed Mach-O (below),
 * signed ad hoc without the hardened runtime (V8's JIT would need entitlements
 * an ad-hoc signature cannot grant), with the SEA blob injected and its fuse on.
 */
export function verifyMachORelease(bytes: Buffer, expected: { cpu: MachCpu; identifier: string }): MachOReport {
  const { report, segs } = verifySigned(bytes, expected);
  if ((report.flags & 0x2) === 0) throw new Error('the CodeDirectory is not marked ad hoc (CS_ADHOC)');
  if ((report.flags & 0x10000) !== 0) throw new Error('hardened runtime is on: V8 cannot JIT without entitlements');
  const sea = segs.find((s) => s.name === 'NODE_SEA')?.sections.find((s) => s.name === '__NODE_SEA_BLOB');
  if (!sea || sea.size === 0) throw new Error('no NODE_SEA segment with a __NODE_SEA_BLOB section');
  new Reader(bytes).need(sea.offset, sea.size, 'the SEA blob');
  const fuse = bytes.indexOf(SEA_FUSE, 0, 'latin1');
  if (fuse < 0 || bytes.indexOf(SEA_FUSE, fuse + 1, 'latin1') >= 0) throw new Error('the SEA fuse is missing or not unique');
  if (bytes[fuse + SEA_FUSE.length] !== 0x31) throw new Error('the SEA fuse is off');
  return { ...report, seaBlobSize: sea.size };
}

/** Any signed thin Mach-O executable (Apple's own codesign output passes too): throws at the first problem. */
export function verifyMachOSignature(bytes: Buffer, expected: { cpu: MachCpu; identifier: string }): MachOReport {
  return verifySigned(bytes, expected).report;
}

function verifySigned(bytes: Buffer, expected: { cpu: MachCpu; identifier: string }): { report: MachOReport; segs: Seg[] } {
  const r = new Reader(bytes);
  if (r.le32(0) !== 0xfeedfacf) throw new Error(`not a thin 64-bit Mach-O (magic 0x${r.le32(0).toString(16)})`);
  const cpu = r.le32(4);
  if (cpu !== CPU_TYPES[expected.cpu]) throw new Error(`CPU type 0x${cpu.toString(16)}, not ${expected.cpu}`);
  if (r.le32(12) !== MH_EXECUTE) throw new Error(`file type ${r.le32(12)}, not an executable`);
  const ncmds = r.le32(16);
  const end = 32 + r.le32(20);
  r.need(32, end - 32, 'the load commands');
  const segs: Seg[] = [];
  const signatures: Array<{ dataoff: number; datasize: number }> = [];
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = r.le32(at);
    const size = r.le32(at + 4);
    if (size < 8 || size % 8 !== 0 || at + size > end) throw new Error(`load command ${i} (0x${cmd.toString(16)}) has a bad size ${size}`);
    if (cmd === 0x19) segs.push(segment(r, at));
    if (cmd === 0x1d) signatures.push({ dataoff: r.le32(at + 8), datasize: r.le32(at + 12) });
    at += size;
  }
  if (signatures.length !== 1) throw new Error(`${signatures.length} LC_CODE_SIGNATURE commands, not 1`);
  const { dataoff, datasize } = signatures[0]!;
  r.need(dataoff, datasize, 'the code signature');
  const linkedit = segs.find((s) => s.name === '__LINKEDIT');
  if (!linkedit || dataoff < linkedit.fileoff || dataoff + datasize > linkedit.fileoff + linkedit.filesize) throw new Error('the code signature is not inside __LINKEDIT');
  if (linkedit.fileoff + linkedit.filesize !== bytes.length) throw new Error('__LINKEDIT does not end at the end of the file');
  const text = segs.find((s) => s.name === '__TEXT');
  if (!text) throw new Error('no __TEXT segment');
  const signed = checkSignature(bytes.subarray(dataoff, dataoff + datasize), bytes, dataoff, text, expected.identifier);
  return { report: { cpu: expected.cpu, seaBlobSize: 0, ...signed }, segs };
}

function segment(r: Reader, at: number): Seg {
  const s: Seg = { name: r.name16(at + 8), fileoff: r.le64(at + 40), filesize: r.le64(at + 48), sections: [] };
  r.need(s.fileoff, s.filesize, `segment ${s.name}`);
  const nsects = r.le32(at + 64);
  for (let i = 0; i < nsects; i++) {
    const sec = at + 72 + 80 * i;
    s.sections.push({ name: r.name16(sec), size: r.le64(sec + 40), offset: r.le32(sec + 48) });
  }
  return s;
}

const be32 = (buf: Buffer, at: number): number => {
  if (at < 0 || at + 4 > buf.length) throw new Error('the code signature is truncated');
  return buf.readUInt32BE(at);
};
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The embedded signature: a big-endian SuperBlob of (slot, offset) pairs, each pointing at a blob with magic and length. */
function checkSignature(sig: Buffer, file: Buffer, codeEnd: number, text: Seg, identifier: string): Omit<MachOReport, 'cpu' | 'seaBlobSize'> {
  if (be32(sig, 0) !== 0xfade0cc0) throw new Error('the code signature is not an embedded-signature SuperBlob');
  const length = be32(sig, 4);
  if (length > sig.length) throw new Error('the SuperBlob is longer than LC_CODE_SIGNATURE says');
  const blobs = new Map<number, Buffer>();
  for (let i = 0, n = be32(sig, 8); i < n; i++) {
    const slot = be32(sig, 12 + 8 * i);
    const off = be32(sig, 16 + 8 * i);
    const blobLength = be32(sig, off + 4);
    if (off + blobLength > length || blobLength < 8) throw new Error(`blob for slot 0x${slot.toString(16)} lies outside the SuperBlob`);
    if (blobs.has(slot)) throw new Error(`slot 0x${slot.toString(16)} appears twice`);
    blobs.set(slot, sig.subarray(off, off + blobLength));
  }
  const cd = blobs.get(0);
  if (!cd || be32(cd, 0) !== 0xfade0c02) throw new Error('no CodeDirectory in slot 0');
  if ([...blobs.keys()].some((slot) => slot >= 0x1000 && slot < 0x1005)) throw new Error('alternate CodeDirectories are not expected in an ad-hoc signature');
  const requirements = blobs.get(2);
  if (!requirements || be32(requirements, 0) !== 0xfade0c01) throw new Error('slot 2 does not hold a requirement set');
  return checkCodeDirectory(cd, blobs, file, codeEnd, text, identifier);
}

/** cs_blobs.h's CS_CodeDirectory: its header fields, then every hash it holds against what it stands for. */
function checkCodeDirectory(cd: Buffer, blobs: Map<number, Buffer>, file: Buffer, codeEnd: number, text: Seg, identifier: string): Omit<MachOReport, 'cpu' | 'seaBlobSize'> {
  const [version, flags, hashOffset, identOffset, nSpecial, nCode, codeLimit] = [8, 12, 16, 20, 24, 28, 32].map((at) => be32(cd, at)) as [number, number, number, number, number, number, number];
  const [hashSize, hashType, , pageShift] = [cd[36], cd[37], cd[38], cd[39]];
  if (version < 0x20001) throw new Error(`CodeDirectory version 0x${version.toString(16)} is too old`);
  if (hashType !== 2 || hashSize !== 32) throw new Error(`hash type ${hashType} size ${hashSize}, not SHA-256`);
  if (pageShift !== 12) throw new Error(`page size 2^${pageShift}, not 4096`);
  if (codeLimit !== codeEnd) throw new Error(`code limit ${codeLimit} is not the signature's offset ${codeEnd}`);
  if (nCode !== Math.ceil(codeLimit / 4096)) throw new Error(`${nCode} code slots for a code limit of ${codeLimit}`);
  if (hashOffset < nSpecial * 32 || hashOffset + nCode * 32 > cd.length) throw new Error('the hash slots lie outside the CodeDirectory');
  const nul = cd.indexOf(0, identOffset);
  if (identOffset >= cd.length || nul < 0) throw new Error('the identifier is not a terminated string');
  const ident = cd.toString('utf8', identOffset, nul);
  if (ident !== identifier) throw new Error(`identifier ${JSON.stringify(ident)}, not ${JSON.stringify(identifier)}`);
  if (version >= 0x20400) {
    if (cd.length < 88) throw new Error('the CodeDirectory is too short for its version');
    const execSeg = [cd.readBigUInt64BE(64), cd.readBigUInt64BE(72), cd.readBigUInt64BE(80)].map(Number);
    if (execSeg[0] !== text.fileoff || execSeg[1] !== text.filesize || (execSeg[2]! & 1) === 0) throw new Error('the executable segment fields do not describe the main binary\'s __TEXT');
  }
  const slot = (n: number) => cd.subarray(hashOffset + n * 32, hashOffset + (n + 1) * 32);
  for (let page = 0; page < nCode; page++) {
    const start = page * 4096;
    if (!sha256(file.subarray(start, Math.min(codeLimit, start + 4096))).equals(slot(page))) throw new Error(`page ${page} (bytes ${start}..) does not match its hash`);
  }
  // Special slot -n holds the hash of the blob in SuperBlob slot n (1: Info.plist, 2: requirements, 5: entitlements, ...).
  if (nSpecial < 2) throw new Error('no requirements hash in special slot 2');
  for (let n = 1; n <= nSpecial; n++) {
    const blob = blobs.get(n);
    if (!slot(-n).equals(blob ? sha256(blob) : Buffer.alloc(32))) throw new Error(`special slot ${n} does not match ${blob ? 'its blob' : 'an absent blob (all zeros)'}`);
  }
  return { identifier: ident, flags, codeLimit, pages: nCode };
}
