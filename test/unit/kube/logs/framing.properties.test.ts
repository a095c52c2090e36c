// Property tests of log framing: the line processor hands on exactly the bytes
// it was given, however the stream is cut, with prefixes and stripped
// timestamps as a naive line splitter computes them; the HTTP chunked decoder
// returns the body of any valid encoding cut anywhere, and refuses chunk sizes
// Go's net/http refuses; the head parser takes any bytes without throwing
// anything but its malformed-response error.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bodyDecoder, HeadParser } from '../../../../plugin/kube/logs/chunked.ts';
import { LineProcessor } from '../../../../plugin/kube/logs/line-processor.ts';
import { cut, runs, tried } from '../../../helpers/properties.ts';

const logText = fc.array(fc.constantFrom('a', 'line', '\n', '\n', '\r\n', '\r', ' ', 'é', '😀', '\0', '2024-01-02T03:04:05.123456789Z ', '2024-01-02T03:04:05Z '), { maxLength: 40 })
  .map((p) => Buffer.from(p.join('')));

function process(lp: LineProcessor, pieces: Buffer[]): string {
  tried('log lines');
  const out: Buffer[] = [];
  for (const p of pieces) {
    const b = lp.push(p);
    if (b) out.push(Buffer.from(b));
  }
  const rest = lp.flush();
  if (rest) out.push(rest);
  return Buffer.concat(out).toString('latin1');
}

/** The naive splitter: lines with their '\n', the last one possibly without. */
function lines(data: Buffer): string[] {
  return data.toString('latin1').split(/(?<=\n)/).filter((l) => l !== '');
}

test('LineProcessor :: any cutting hands on the same bytes, each line prefixed once', () => {
  fc.assert(fc.property(logText, fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('', '[pod/p/c] ', 'é '), (data, points, prefix) => {
    const lp = new LineProcessor({ prefix: Buffer.from(prefix), timestamped: false, stripTimestamps: false });
    const expected = lines(data).map((l) => Buffer.from(prefix).toString('latin1') + l).join('');
    assert.is(process(lp, cut(data, points)), expected);
  }), runs(1000));
});

test('LineProcessor :: internal timestamps are stripped from every line as a naive splitter strips them', () => {
  fc.assert(fc.property(logText, fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (data, points, strip) => {
    const lp = new LineProcessor({ timestamped: true, stripTimestamps: strip });
    const expected = lines(data).map((l) => {
      const sp = l.indexOf(' ');
      return strip && sp > 0 ? l.slice(sp + 1) : l;
    }).join('');
    assert.is(process(lp, cut(data, points)), expected);
  }), runs(1000));
});

/** A chunked encoding of `body`: chunk sizes in varied hex spellings, extensions, trailers. */
function chunked(body: Buffer, sizes: number[], upper: boolean, ext: boolean, trailer: boolean): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const s of sizes) {
    const n = Math.min(s, body.length - at);
    if (n <= 0) break;
    const hex = upper ? n.toString(16).toUpperCase() : n.toString(16);
    parts.push(Buffer.from(`${hex}${ext ? ';name=value' : ''}\r\n`), body.subarray(at, at + n), Buffer.from('\r\n'));
    at += n;
  }
  if (at < body.length) parts.push(Buffer.from(`${(body.length - at).toString(16)}\r\n`), body.subarray(at), Buffer.from('\r\n'));
  parts.push(Buffer.from(`0\r\n${trailer ? 'X-Trailer: 1\r\n' : ''}\r\n`));
  return Buffer.concat(parts);
}

const chunkedHead = { status: 200, headers: { 'transfer-encoding': 'chunked' } };

function decode(wire: Buffer[]): { body: string; done: boolean } | Error {
  tried('http chunked');
  const d = bodyDecoder(chunkedHead);
  const out: Buffer[] = [];
  try {
    for (const p of wire) for (const v of d.push(p)) out.push(Buffer.from(v));
  } catch (err) {
    if ((err as { code?: string }).code === 'HPE_INVALID_CONSTANT') return err as Error;
    throw err;
  }
  return { body: Buffer.concat(out).toString('latin1'), done: d.done() };
}

test('bodyDecoder :: any valid chunked encoding, cut anywhere, decodes to the body', () => {
  fc.assert(fc.property(logText, fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 6 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }),
    (body, sizes, upper, ext, trailer, points) => {
      const got = decode(cut(chunked(body, sizes, upper, ext, trailer), points));
      assert.equal(got, { body: body.toString('latin1'), done: true });
    }), runs(1000));
});

test('bodyDecoder :: a chunk size Go refuses (not hex digits) is a malformed response, never a body', () => {
  const badSize = fc.constantFrom('-1', '-ff', '1g', ' 5', '+5', '0x5', '', 'zz', '5 5', '1_0', '１');
  fc.assert(fc.property(badSize, logText, fc.array(fc.nat(), { maxLength: 4 }), (size, rest, points) => {
    const wire = Buffer.concat([Buffer.from(`${size}\r\n`), rest, Buffer.from('\r\n0\r\n\r\n')]);
    const got = decode(cut(wire, points));
    assert.instance(got, Error, `${JSON.stringify(size)} → ${JSON.stringify(got)}`);
  }), runs(300));
});

test('bodyDecoder / HeadParser :: any bytes give a head, a body or the malformed-response error', () => {
  const junk = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    fc.array(fc.constantFrom('HTTP/1.1 200 OK\r\n', 'Transfer-Encoding: chunked\r\n', 'Content-Length: 5\r\n', 'Content-Length: -3\r\n', 'Content-Length: x\r\n', '\r\n', '5\r\n', 'ffffffffffffffffffff\r\n', 'abc', ':', '\n'), { maxLength: 10 }).map((p) => Buffer.from(p.join(''))),
  );
  fc.assert(fc.property(junk, fc.array(fc.nat(), { maxLength: 6 }), (bytes, points) => {
    tried('http head');
    const hp = new HeadParser();
    try {
      let decoder: ReturnType<typeof bodyDecoder> | undefined;
      for (const piece of cut(bytes, points)) {
        if (decoder) {
          decoder.push(piece);
          continue;
        }
        const got = hp.push(piece);
        if (got) {
          decoder = bodyDecoder(got.head);
          decoder.push(got.rest);
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code !== 'HPE_INVALID_CONSTANT') throw err;
    }
  }), runs(1000));
});

test.run();
