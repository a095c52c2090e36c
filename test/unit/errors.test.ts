import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiError, ConfigError, ConnectError, ExitError, formatError, UsageError } from '../../plugin/errors.ts';
import { apiErrorFrom } from '../../plugin/kube/rest/status-error.ts';

const cases: [string, unknown, string, number][] = [
  ['usage error with command', new UsageError('unknown flag: --x', 'kubectl sock get', true), "error: unknown flag: --x\nSee 'kubectl sock get --help' for usage.", 1],
  ['usage error, kubectl -h form', new UsageError('Required resource not specified.', 'kubectl sock get'), "error: Required resource not specified.\nSee 'kubectl sock get -h' for help and examples", 1],
  ['config error', new ConfigError('context "x" does not exist'), 'error: context "x" does not exist', 1],
  ['NotFound status', new ApiError(404, 'NotFound', 'pods "x" not found'), 'Error from server (NotFound): pods "x" not found', 1],
  ['empty reason', new ApiError(500, '', 'boom'), 'Error from server: boom', 1],
  ['Unauthorized', new ApiError(401, 'Unauthorized', 'Unauthorized'), 'error: You must be logged in to the server (Unauthorized)', 1],
  ['refused', new ConnectError('refused', '127.0.0.1:1', 'dial tcp 127.0.0.1:1: connect: connection refused'), 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?', 1],
  ['socket missing', new ConnectError('socket-missing', 'unix:///x.sock', 'dial unix /x.sock: connect: no such file or directory', 'is the proxy running?'), 'Unable to connect to the server: dial unix /x.sock: connect: no such file or directory (is the proxy running?)', 1],
  ['child exit', new ExitError(7), '', 7],
  ['plain Error', new Error('boom'), 'error: boom', 1],
];
for (const [name, err, text, exitCode] of cases) {
  test(`formatError :: ${name}`, () => {
    assert.equal(formatError(err), { text, exitCode });
  });
}

test('apiErrorFrom :: a Status body is used as sent', () => {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', code: 404 });
  const e = apiErrorFrom(404, body, 'application/json', {});
  assert.is(formatError(e).text, 'Error from server (NotFound): pods "x" not found');
});

test("apiErrorFrom :: kubectl proxy's text 403 reads as client-go words it", () => {
  const e = apiErrorFrom(403, 'Forbidden\n', 'text/plain; charset=utf-8', { method: 'GET', resource: 'pods', name: 'single' });
  assert.is(formatError(e).text, 'Error from server (Forbidden): Forbidden (get pods single)');
});

test('apiErrorFrom :: a non-text 500 names no message', () => {
  const e = apiErrorFrom(502, '\u0000\u0001', 'application/octet-stream', {});
  assert.is(formatError(e).text, 'Error from server (InternalError): an error on the server ("unknown") has prevented the request from succeeding');
});

test("apiErrorFrom :: a gateway's text/html page, or a body without Content-Type, is text to client-go", () => {
  const html = apiErrorFrom(502, '<html>Bad Gateway</html>\n', 'text/html', {});
  assert.is(formatError(html).text, 'Error from server (InternalError): an error on the server ("<html>Bad Gateway</html>") has prevented the request from succeeding');
  const bare = apiErrorFrom(500, 'oops', '', {});
  assert.is(formatError(bare).text, 'Error from server (InternalError): an error on the server ("oops") has prevented the request from succeeding');
});

test.run();
