// kube/rest/request-log.ts: client-go 1.33's -v=6…9 request lines in klog's structured
// text format. The expected lines are kubectl 1.33's (`kubectl get ns default
// -v=N` against kube-apiserver 1.34, hex dumps from Go's encoding/hex), with
// the klog header dropped; test/real/kubectl-suite-fixes.test.ts compares the
// two clients on a real server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newKlog } from '../../../../plugin/klog.ts';
import { canonicalHeaderKey, hexDump, logBody, logDialTrace, logRequest, logResponse } from '../../../../plugin/kube/rest/request-log.ts';
import { klogBytesValue } from '../../../../plugin/kube/klog-value.ts';
import { encodeQuery } from '../../../../plugin/kube/rest/request-url.ts';
import { Capture } from '../../../helpers/context.ts';

/** The lines written at level v, each without its klog header ("I1207 22:15:16.764907    5725 source] "). */
function at(v: number, write: (k: ReturnType<typeof newKlog>) => void): string {
  const out = new Capture();
  write(newKlog(v, out, () => new Date(0), 1));
  return out.text().replace(/^I\d{4} [\d:.]+ +\d+ [\w.]+\] /gm, '');
}

const URL = 'https://127.0.0.1:35399/api/v1/namespaces/default';
const REQ = {
  accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
  'user-agent': 'kubectl.1.33/v1.33.1 (linux/amd64) kubernetes/8adc0f0',
  authorization: 'Bearer s3cret',
};
const RES = {
  'audit-id': '0044ca57', 'cache-control': 'no-cache, private', 'content-type': 'application/json',
  date: 'Mon, 07 Dec 2026 22:15:16 GMT', 'content-length': '1679', 'transfer-encoding': 'chunked',
};

test('logRequest :: nothing below 7; verb, url and sorted, masked headers at 7 and 8; a curl command at 9', () => {
  assert.is(at(6, (k) => logRequest(k, 'GET', URL, REQ)), '');
  const headers = `"Request" verb="GET" url="${URL}" headers=<
\tAccept: ${REQ.accept}
\tAuthorization: Bearer <masked>
\tUser-Agent: ${REQ['user-agent']}
 >
`;
  assert.is(at(7, (k) => logRequest(k, 'GET', URL, REQ)), headers);
  assert.is(at(8, (k) => logRequest(k, 'GET', URL, REQ)), headers);
  assert.is(at(9, (k) => logRequest(k, 'GET', URL, REQ)), `"Request" curlCommand=<
\tcurl -v -XGET  -H "Accept: ${REQ.accept}" -H "User-Agent: ${REQ['user-agent']}" -H "Authorization: Bearer <masked>" '${URL}'
 >
`);
});

test('logResponse :: each level fills the line as round_trippers.go levelsV6…V9', () => {
  const log = (v: number) => at(v, (k) => logResponse(k, 'GET', URL, '200 OK', RES, 17.8, { dialed: { dnsMs: 0, dialMs: 0, tlsMs: 1 }, serverMs: 2 }));
  assert.is(log(5), '');
  assert.is(log(6), `"Response" verb="GET" url="${URL}" status="200 OK" milliseconds=17\n`);
  assert.is(log(7), '"Response" status="200 OK" milliseconds=17\n');
  const headers = `headers=<
\tAudit-Id: 0044ca57
\tCache-Control: no-cache, private
\tContent-Length: 1679
\tContent-Type: application/json
\tDate: Mon, 07 Dec 2026 22:15:16 GMT
 >`;
  assert.is(log(8), `"Response" status="200 OK" ${headers} milliseconds=17\n`);
  assert.is(log(9), `"Response" verb="GET" url="${URL}" status="200 OK" ${headers} milliseconds=17 dnsLookupMilliseconds=0 dialMilliseconds=0 tlsHandshakeMilliseconds=1 serverProcessingMilliseconds=2\n`);
  assert.is(log(10), log(9), 'levels above 9 are 9');
  const reused = at(9, (k) => logResponse(k, 'GET', URL, '200 OK', {}, 0, { serverMs: 3 }));
  assert.is(reused, `"Response" verb="GET" url="${URL}" status="200 OK" headers="" milliseconds=0 getConnectionMilliseconds=0 serverProcessingMilliseconds=3\n`);
});

test('logResponse :: a round trip with no answer has an empty status (and headers, and no server time)', () => {
  const url = 'https://127.0.0.1:1/api?timeout=32s';
  assert.is(at(6, (k) => logResponse(k, 'GET', url, '', undefined, 0)), `"Response" verb="GET" url="${url}" status="" milliseconds=0\n`);
  assert.is(at(7, (k) => logResponse(k, 'GET', url, '', undefined, 0)), '"Response" status="" milliseconds=0\n');
  assert.is(
    at(9, (k) => logResponse(k, 'GET', url, '', undefined, 0, { dialed: { dnsMs: 0, dialMs: 0, tlsMs: 0 } })),
    `"Response" verb="GET" url="${url}" status="" headers="" milliseconds=0 dnsLookupMilliseconds=0 dialMilliseconds=0 tlsHandshakeMilliseconds=0\n`,
  );
});

test('logDialTrace :: httptrace lines at 9 only', () => {
  assert.is(at(8, (k) => logDialTrace(k, { network: 'tcp', address: '127.0.0.1:6443' })), '');
  assert.is(
    at(9, (k) => logDialTrace(k, { network: 'tcp', address: '127.0.0.1:1', err: 'dial tcp 127.0.0.1:1: connect: connection refused' })),
    '"HTTP Trace: Dial failed" network="tcp" address="127.0.0.1:1" err="dial tcp 127.0.0.1:1: connect: connection refused"\n',
  );
  assert.is(
    at(9, (k) => logDialTrace(k, { network: 'tcp', address: '127.0.0.1:35399', host: 'localhost', resolved: ['127.0.0.1'] })),
    '"HTTP Trace: DNS Lookup resolved" host="localhost" address=[{"IP":"127.0.0.1","Zone":""}]\n"HTTP Trace: Dial succeed" network="tcp" address="127.0.0.1:35399"\n',
  );
  assert.is(at(9, (k) => logDialTrace(k, { network: 'unix', address: '/run/kube.sock' })), '"HTTP Trace: Dial succeed" network="unix" address="/run/kube.sock"\n');
});

test('logBody :: from 8; quoted, or <…> when it has a newline; cut at 1024 bytes (10240 at 9, never from 10)', () => {
  assert.is(at(7, (k) => logBody(k, 'Request Body', '')), '');
  assert.is(at(8, (k) => logBody(k, 'Request Body', '')), '"Request Body" body=""\n');
  assert.is(at(8, (k) => logBody(k, 'Response Body', '{"kind":"Namespace"}\n')), '"Response Body" body=<\n\t{"kind":"Namespace"}\n >\n');
  const big = `{"a":"${'x'.repeat(20000)}"}\n`;
  assert.is(at(8, (k) => logBody(k, 'Response Body', big)), `"Response Body" body="{\\"a\\":\\"${'x'.repeat(1018)} [truncated ${big.length - 1024} chars]"\n`);
  assert.ok(at(9, (k) => logBody(k, 'Response Body', big)).endsWith(`[truncated ${big.length - 10240} chars]"\n`));
  assert.ok(at(10, (k) => logBody(k, 'Response Body', big)).endsWith(`"}\n >\n`));
});

test('logBody :: a body with bytes below \\n is a hex dump (Go encoding/hex Dump)', () => {
  const body = Buffer.from('\x00\x01{"kind":"Table",\x7f\xff', 'latin1');
  assert.is(
    at(8, (k) => logBody(k, 'Response Body', body)),
    '"Response Body" body=<\n\t00000000  00 01 7b 22 6b 69 6e 64  22 3a 22 54 61 62 6c 65  |..{"kind":"Table|\n\t00000010  22 2c 7f ff                                       |",..|\n >\n',
  );
  assert.is(hexDump(Buffer.from('abc')), '00000000  61 62 63                                          |abc|\n');
  assert.is(hexDump(Buffer.from('0123456789abcdefX\x05')), '00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n00000010  58 05                                             |X.|\n');
});

test('klogBytesValue :: bytes that are no UTF-8 are quoted as strconv.Quote quotes them', () => {
  // Go: strconv.Quote("a\xe2\x82b\u2028\x7f\u00e9") == "a\xe2\x82b\u2028\x7fé"
  assert.is(klogBytesValue(Buffer.concat([Buffer.from('a'), Buffer.from([0xe2, 0x82]), Buffer.from('b\u2028\x7f\u00e9')])), '"a\\xe2\\x82b\\u2028\\x7fé"');
  assert.is(klogBytesValue(Buffer.from('plain')), '"plain"');
});

test('canonicalHeaderKey :: textproto.CanonicalMIMEHeaderKey', () => {
  assert.is(canonicalHeaderKey('x-kubernetes-pf-flowschema-uid'), 'X-Kubernetes-Pf-Flowschema-Uid');
  assert.is(canonicalHeaderKey('ETAG'), 'Etag');
  assert.is(canonicalHeaderKey('bad key'), 'bad key');
});

test('encodeQuery :: Go url.Values.Encode: sorted keys, QueryEscape', () => {
  assert.is(encodeQuery({ watch: 'true', fieldSelector: 'metadata.name=p1', resourceVersion: '0', timeout: '1s', limit: undefined }), 'fieldSelector=metadata.name%3Dp1&resourceVersion=0&timeout=1s&watch=true');
  assert.is(encodeQuery({ labelSelector: "app in (a,b),x!=y~*'" }), 'labelSelector=app+in+%28a%2Cb%29%2Cx%21%3Dy~%2A%27');
  assert.is(encodeQuery({}), '');
});

test.run();
