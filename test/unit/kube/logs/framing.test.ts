import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineProcessor, wholeSecond } from '../../../../plugin/kube/logs/line-processor.ts';
import { bodyDecoder, HeadParser } from '../../../../plugin/kube/logs/chunked.ts';

const b = (s: string) => Buffer.from(s);
const feed = (p: LineProcessor, ...pieces: string[]) => pieces.map((s) => p.push(b(s))?.toString() ?? '').join('');

test('LineProcessor :: whole lines only, the partial rest at the end', () => {
  const p = new LineProcessor({ timestamped: false, stripTimestamps: false });
  assert.is(feed(p, 'one\ntw', 'o\nthr', 'ee'), 'one\ntwo\n');
  assert.is(p.flush()?.toString(), 'three');
  assert.is(p.flush(), undefined);
});

test('LineProcessor :: prefixes every line, the final partial one too', () => {
  const p = new LineProcessor({ prefix: b('[pod/p/c] '), timestamped: false, stripTimestamps: false });
  assert.is(feed(p, 'a\nb\n', 'c\nd'), '[pod/p/c] a\n[pod/p/c] b\n[pod/p/c] c\n');
  assert.is(p.flush()?.toString(), '[pod/p/c] d');
});

test('LineProcessor :: internal timestamps are stripped, the user\'s kept', () => {
  const lines = '2024-01-02T03:04:05.100000000Z one\n2024-01-02T03:04:05.200000000Z two\n';
  assert.is(feed(new LineProcessor({ timestamped: true, stripTimestamps: true }), lines), 'one\ntwo\n');
  assert.is(feed(new LineProcessor({ timestamped: true, stripTimestamps: false }), lines), lines);
  assert.is(feed(new LineProcessor({ prefix: b('> '), timestamped: true, stripTimestamps: true }), lines), '> one\n> two\n');
  assert.is(wholeSecond('2024-01-02T03:04:05.123456789Z'), '2024-01-02T03:04:05Z');
  assert.is(wholeSecond('2024-01-02T03:04:05+02:00'), '2024-01-02T03:04:05+02:00');
});

test('LineProcessor :: resume skips what was printed of the second the server repeats', () => {
  const ts = (sec: number, frac: number) => `2024-01-02T03:04:0${sec}.${String(frac).padStart(9, '0')}Z`;
  const line = (sec: number, n: number) => `${ts(sec, n)} line ${sec}.${n}\n`;
  const p = new LineProcessor({ timestamped: true, stripTimestamps: true });
  // First connection: all of second 5, two lines of second 6, half a third: then the drop.
  assert.is(feed(p, line(5, 1), line(5, 2), line(6, 1), line(6, 2), line(6, 3).slice(0, 20)), 'line 5.1\nline 5.2\nline 6.1\nline 6.2\n');
  p.discardPartial();
  const from = p.resumePoint();
  assert.equal(from, { second: '2024-01-02T03:04:06Z', lines: 2 });
  p.resumeFrom(from as { second: string; lines: number });
  // The resumed stream starts at second 6 and drops again after one new line.
  assert.is(feed(p, line(6, 1), line(6, 2), line(6, 3)), 'line 6.3\n');
  p.discardPartial();
  const again = p.resumePoint();
  assert.equal(again, { second: '2024-01-02T03:04:06Z', lines: 3 });
  p.resumeFrom(again as { second: string; lines: number });
  // A drop that delivered nothing new keeps the same point.
  assert.is(feed(p, line(6, 1)), '');
  p.discardPartial();
  assert.equal(p.resumePoint(), { second: '2024-01-02T03:04:06Z', lines: 3 });
  p.resumeFrom(p.resumePoint() as { second: string; lines: number });
  assert.is(feed(p, line(6, 1), line(6, 2), line(6, 3), line(6, 4), line(7, 1)), 'line 6.4\nline 7.1\n');
});

test('HeadParser :: a head split anywhere, the body rest handed back', () => {
  const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n';
  for (let cut = 1; cut < raw.length; cut++) {
    const h = new HeadParser();
    const first = h.push(b(raw.slice(0, cut)));
    const got = first ?? h.push(b(raw.slice(cut)));
    assert.ok(got, `cut ${cut}`);
    assert.is(got?.head.status, 200);
    assert.is(got?.head.headers['transfer-encoding'], 'chunked');
    const rest = first ? Buffer.concat([first.rest, b(raw.slice(cut))]) : got?.rest;
    assert.is(rest?.toString(), '5\r\nhello\r\n', `cut ${cut}`);
  }
  assert.throws(() => new HeadParser().push(b('SSH-2.0-OpenSSH\r\n\r\n')), /malformed HTTP response/);
});

test('bodyDecoder :: chunked, split at every byte, extensions and trailers skipped', () => {
  const wire = '4;ext=1\r\nwiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: y\r\n\r\n';
  for (let step = 1; step <= wire.length; step++) {
    const d = bodyDecoder({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
    let out = '';
    for (let i = 0; i < wire.length; i += step) out += d.push(b(wire.slice(i, i + step))).map(String).join('');
    assert.is(out, 'wikipedia in\r\n\r\nchunks.', `step ${step}`);
    assert.ok(d.done());
  }
  const cut = bodyDecoder({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
  cut.push(b('5\r\nhel'));
  assert.not.ok(cut.endsAtClose(), 'a connection closing mid-chunk is a drop');
});

// Found by framing.properties.test.ts: "-1" made the decoder step back into bytes it had read, "1g" read as 1.
test('bodyDecoder :: chunk sizes and lengths Go refuses are malformed responses', () => {
  for (const size of ['-1', '1g', ' 5', '+5', '0x5', '', '5 ;x', '11111111111111111']) {
    const d = bodyDecoder({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
    assert.throws(() => d.push(b(`${size}\r\nhello\r\n0\r\n\r\n`)), /malformed HTTP response/, JSON.stringify(size));
  }
  const ok = bodyDecoder({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
  assert.equal(ok.push(b('5 \t\r\nhello\r\n0\r\n\r\n')).map(String), ['hello']);
  for (const length of ['-3', 'x', '1e3', ' 5']) {
    assert.throws(() => bodyDecoder({ status: 200, headers: { 'content-length': length } }), /malformed HTTP response/, length);
  }
});

test('bodyDecoder :: Content-Length, and a body that ends with the connection', () => {
  const d = bodyDecoder({ status: 200, headers: { 'content-length': '5' } });
  assert.equal(d.push(b('hel')).map(String), ['hel']);
  assert.not.ok(d.endsAtClose());
  assert.equal(d.push(b('lo and more')).map(String), ['lo']);
  assert.ok(d.done());
  const open = bodyDecoder({ status: 200, headers: {} });
  assert.equal(open.push(b('anything')).map(String), ['anything']);
  assert.ok(open.endsAtClose());
});

test.run();
