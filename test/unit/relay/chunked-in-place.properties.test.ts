// The relay's chunked decoder (decoding each read in place) against Go's framing rules
// and against the direct log reader's decoder: any valid encoding cut
// anywhere gives the body; what Go refuses is a malformed response.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bodyDecoder } from '../../../plugin/kube/logs/chunked.ts';
import { ChunkedInPlace } from '../../../plugin/relay/chunked-in-place.ts';
import { cut, runs, tried } from '../../helpers/properties.ts';

const body = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

/** An encoding of `data` in chunks of `sizes`, size lines spelt as Go reads them. */
function encode(data: Buffer, sizes: number[], spell: (hex: string) => string, trailer: boolean): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const s of [...sizes, data.length]) {
    const n = Math.min(s, data.length - at);
    if (n <= 0) continue;
    parts.push(Buffer.from(`${spell(n.toString(16))}`), data.subarray(at, at + n), Buffer.from('\r\n'));
    at += n;
  }
  parts.push(Buffer.from(`${spell('0')}${trailer ? 'X-Trailer: 1\r\n' : ''}\r\n`));
  return Buffer.concat(parts);
}

/** Size lines Go accepts: case, leading zeros, an extension, trailing blanks, CRLF or a bare LF. */
const spelling = fc.constantFrom(
  (h: string) => `${h}\r\n`, (h: string) => `${h.toUpperCase()}\r\n`, (h: string) => `000${h}\r\n`,
  (h: string) => `${h};name=value\r\n`, (h: string) => `${h};a=" ; "\r\n`, (h: string) => `${h} \t\r\n`, (h: string) => `${h}\n`,
);

function decodeAll(wire: Buffer[], d: { push(p: Buffer): Buffer[]; done(): boolean }): { body: string; done: boolean } | Error {
  const out: Buffer[] = [];
  try {
    // Each piece a fresh copy, as socket reads are: the in-place decoder writes over it.
    for (const p of wire) for (const v of d.push(Buffer.from(p))) out.push(Buffer.from(v));
  } catch (err) {
    if (/^HPE_/.test(String((err as { code?: string }).code))) return err as Error;
    throw err;
  }
  return { body: Buffer.concat(out).toString('latin1'), done: d.done() };
}

test('ChunkedInPlace :: any encoding Go accepts, cut anywhere, gives the body, one buffer per read at most', () => {
  fc.assert(fc.property(body, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }), spelling, fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }),
    (data, sizes, spell, trailer, points) => {
      tried('relay chunked');
      const wire = cut(encode(data, sizes, spell, trailer), points);
      const c = new ChunkedInPlace();
      for (const p of wire) assert.ok(c.push(Buffer.from(p)).length <= 1);
      assert.equal(decodeAll(wire, new ChunkedInPlace()), { body: data.toString('latin1'), done: true });
    }), runs(1000));
});

test('ChunkedInPlace :: the framing Go refuses is a malformed response, never a body', () => {
  const bad = fc.constantFrom('-1\r\n', '1g\r\n', ' 5\r\n', '+5\r\n', '0x5\r\n', '\r\n', '5 5\r\n', '5 ;x\r\n', '12345678901234567\r\n', '１\r\n');
  fc.assert(fc.property(bad, fc.array(fc.nat(), { maxLength: 4 }), (line, points) => {
    tried('relay chunked');
    const got = decodeAll(cut(Buffer.from(`${line}hello\r\n0\r\n\r\n`), points), new ChunkedInPlace());
    assert.instance(got, Error, `${JSON.stringify(line)} → ${JSON.stringify(got)}`);
  }), runs(300));
  // Go reads exactly CRLF after a chunk's data.
  for (const after of ['\n', 'x\r\n', '\r']) {
    assert.instance(decodeAll([Buffer.from(`5\r\nhello${after}0\r\n\r\n`)], new ChunkedInPlace()), Error, JSON.stringify(after));
  }
});

test('ChunkedInPlace :: decodes what the direct log reader decodes', () => {
  fc.assert(fc.property(body, fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (data, sizes, points) => {
    tried('relay chunked');
    const wire = cut(encode(data, sizes, (h) => `${h}\r\n`, false), points);
    assert.equal(decodeAll(wire, new ChunkedInPlace()), decodeAll(wire, bodyDecoder({ status: 200, headers: { 'transfer-encoding': 'chunked' } })));
  }), runs(500));
});

test.run();
