import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The module versions a Go binary was built with, read from the file as Go's
 * debug/buildinfo reads them (ELF, Mach-O and PE; Go 1.18's inline format):
 * where kubectl's own `version` finds its kustomize (runtime/debug.ReadBuildInfo).
 * Undefined for a file that is not such a binary.
 */
export function readGoModuleVersions(path: string): Map<string, string> | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const read = (offset: number, length: number): Buffer => {
      const b = Buffer.alloc(length);
      return b.subarray(0, readSync(fd, b, 0, length, offset));
    };
    const start = dataStart(read);
    if (start === undefined) return undefined;
    const mod = modInfo(read(start, 64 * 1024));
    return mod === undefined ? undefined : deps(mod);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

type Reader = (offset: number, length: number) => Buffer;

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

/** DataStart: the file offset of the section holding the build info (or the first writable data). */
function dataStart(read: Reader): number | undefined {
  const head = read(0, 64);
  if (head.subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1'))) return elfStart(read, head);
  const magic = head.readUInt32LE(0);
  if (magic === 0xfeedfacf || magic === 0xfeedface) return machoStart(read, magic === 0xfeedfacf);
  if (head.readUInt16LE(0) === 0x5a4d) return peStart(read, head.readUInt32LE(0x3c));
  return undefined;
}

function elfStart(read: Reader, h: Buffer): number | undefined {
  const is64 = h[4] === 2;
  const le = h[5] === 1;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const addr = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
  const shoff = addr(h, is64 ? 0x28 : 0x20);
  const [shentsize, shnum, shstrndx] = [u16(h, is64 ? 0x3a : 0x2e), u16(h, is64 ? 0x3c : 0x30), u16(h, is64 ? 0x3e : 0x32)];
  const table = read(shoff, shentsize * shnum);
  const section = (i: number) => table.subarray(i * shentsize, (i + 1) * shentsize);
  const offsetOf = (s: Buffer) => addr(s, is64 ? 0x18 : 0x10);
  const sizeOf = (s: Buffer) => addr(s, is64 ? 0x20 : 0x14);
  const names = read(offsetOf(section(shstrndx)), sizeOf(section(shstrndx)));
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const at = u32(s, 0);
    if (names.toString('latin1', at, names.indexOf(0, at)) === '.go.buildinfo') return offsetOf(s);
  }
  return undefined;
}

function machoStart(read: Reader, is64: boolean): number | undefined {
  const h = read(0, 32);
  const [ncmds, sizeofcmds] = [h.readUInt32LE(16), h.readUInt32LE(20)];
  const cmds = read(is64 ? 32 : 28, sizeofcmds);
  let rw: number | undefined;
  for (let i = 0, at = 0; i < ncmds && at + 8 <= cmds.length; i++) {
    const [cmd, size] = [cmds.readUInt32LE(at), cmds.readUInt32LE(at + 4)];
    if (cmd === 0x19 || cmd === 0x1) {
      const wide = cmd === 0x19;
      const nsects = cmds.readUInt32LE(at + (wide ? 64 : 48));
      const fileoff = wide ? Number(cmds.readBigUInt64LE(at + 40)) : cmds.readUInt32LE(at + 32);
      if (rw === undefined && cmds.readUInt32LE(at + (wide ? 56 : 40)) === 3 && cmds.readUInt32LE(at + (wide ? 60 : 44)) === 3) rw = fileoff;
      for (let s = 0, sect = at + (wide ? 72 : 56); s < nsects; s++, sect += wide ? 80 : 68) {
        if (cmds.toString('latin1', sect, sect + 16).replace(/\0+$/, '') === '__go_buildinfo') return cmds.readUInt32LE(sect + (wide ? 48 : 40));
      }
    }
    at += size;
  }
  return rw;
}

function peStart(read: Reader, peOffset: number): number | undefined {
  const coff = read(peOffset, 24);
  if (coff.toString('latin1', 0, 4) !== 'PE\0\0') return undefined;
  const [nsections, optSize] = [coff.readUInt16LE(6), coff.readUInt16LE(20)];
  const table = read(peOffset + 24 + optSize, nsections * 40);
  // The first initialized, readable and writable data section (Go's peExe.DataStart).
  for (let i = 0; i < nsections; i++) {
    const s = table.subarray(i * 40, i * 40 + 40);
    const chars = s.readUInt32LE(36) & ~0x600000;
    if (s.readUInt32LE(12) !== 0 && s.readUInt32LE(16) !== 0 && chars >>> 0 === (0x40 | 0x40000000 | 0x80000000) >>> 0) return s.readUInt32LE(20);
  }
  return undefined;
}

/** The module information string after the 32-byte header found at a 16-byte boundary. */
function modInfo(data: Buffer): string | undefined {
  let at = 0;
  for (;;) {
    const i = data.indexOf(MAGIC, at);
    if (i < 0 || data.length - i < 32) return undefined;
    if (i % 16 === 0) {
      at = i;
      break;
    }
    at = (i + 15) & ~15;
  }
  // Go 1.18+: the version and the module information follow inline, each as a uvarint length and bytes.
  if (((data[at + 15] as number) & 2) === 0) return undefined;
  const rest = { buf: data, pos: at + 32 };
  readString(rest);
  const mod = readString(rest);
  if (mod === undefined) return undefined;
  // Between 16-byte sentinels.
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : mod;
}

function readString(r: { buf: Buffer; pos: number }): string | undefined {
  let n = 0;
  for (let shift = 0; ; shift += 7) {
    const b = r.buf[r.pos++];
    if (b === undefined || shift > 28) return undefined;
    n |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  if (r.pos + n > r.buf.length) return undefined;
  const s = r.buf.toString('latin1', r.pos, r.pos + n);
  r.pos += n;
  return s;
}

/** `dep\tPATH\tVERSION\tSUM` lines (a replacement's `=>` line does not change the version Go reports). */
function deps(mod: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of mod.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'dep' && path && version) out.set(path, version);
  }
  return out;
}
