// A DNS server for tests that run in a network namespace of their own: A
// records for the names it is given, an empty answer for their other record
// types, NXDOMAIN for every other name. Over UDP, one question per query, as
// Go's resolver and c-ares ask.
import { createSocket, type Socket } from 'node:dgram';

export interface FakeDns {
  close(): Promise<void>;
}

const TYPE_A = 1;

/** Reads the question's name (labels, no compression in a query) and type; undefined for anything else. */
function question(msg: Buffer): { name: string; type: number; end: number } | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  while (at < msg.length) {
    const len = msg[at] as number;
    if (len === 0) break;
    if (len > 63) return undefined;
    labels.push(msg.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (at + 5 > msg.length) return undefined;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

function reply(msg: Buffer, q: { name: string; type: number; end: number }, records: Map<string, string>): Buffer {
  const address = records.get(q.name);
  const header = Buffer.from(msg.subarray(0, q.end));
  // QR, opcode 0, AA, RD copied, RA; RCODE 3 (NXDOMAIN) for an unknown name.
  header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (address === undefined ? 3 : 0), 2);
  const answer = address !== undefined && q.type === TYPE_A;
  header.writeUInt16BE(answer ? 1 : 0, 6);
  header.writeUInt16BE(0, 8);
  header.writeUInt16BE(0, 10);
  if (!answer) return header;
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  rr.writeUInt16BE(TYPE_A, 2);
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(4, 10);
  (address as string).split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
  return Buffer.concat([header, rr]);
}

/** Serves `records` (lower-case name → IPv4 address) on host:port. */
export function startFakeDns(records: Record<string, string>, host = '127.0.0.1', port = 53): Promise<FakeDns> {
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const sock: Socket = createSocket('udp4');
  sock.on('message', (msg, peer) => {
    const q = question(msg);
    if (q) sock.send(reply(msg, q, table), peer.port, peer.address);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => resolve({ close: () => new Promise((r) => sock.close(() => r())) }));
  });
}
