// Run by host-names.test.ts inside a user, mount and network namespace of its
// own, where /etc/resolv.conf names 127.0.0.1 and a fake DNS server answers
// there: kubectl and kubectl sock reach the same fake API server through
// names that WHATWG URL and getaddrinfo would read as IPv4 shorthand, and
// fail alike on names DNS does not know. Prints one JSON line of results.
import { startFakeApiServer } from '../../helpers/fake-apiserver.ts';
import { startFakeDns } from '../../helpers/fake-dns.ts';
import { BINARY, KUBECTL, run } from '../../helpers/processes.ts';

const NAMES = { '0xa': '127.0.0.1', '0x7f.1': '127.0.0.1', '0x7f000001': '127.0.0.1', 'api.test': '127.0.0.1' };

const dns = await startFakeDns(NAMES);
const api = await startFakeApiServer({ tcp: true });
const port = new URL(api.httpUrl as string).port;
const servers = [
  ...['0xa', '0x7f.1', '0x7f000001', 'api.test', 'API.Test', '0xb', 'nx.test', '127.1'].map((h) => `http://${h}:${port}`),
  `0xa:${port}`,
];
const results = [];
/** Runs one client; what it printed, and the Host headers the server saw. */
async function client(cmd: string, args: string[]) {
  const seen = api.requests.length;
  const r = await run(cmd, args, { timeoutMs: 20_000 });
  return { ...r, hosts: [...new Set(api.requests.slice(seen).map((q) => q.headers.host))] };
}
// --request-timeout sends kubectl sock's GET through undici instead of its direct socket reader.
const runs = [...servers.map((server) => [server]), [`http://0x7f.1:${port}`, '--request-timeout=10s'], [`http://nx.test:${port}`, '--request-timeout=10s']];
for (const [server = '', ...extra] of runs) {
  const args = ['--server', server, ...extra, 'get', '--raw', '/version'];
  results.push({ server: [server, ...extra].join(' '), ours: await client(BINARY, args), theirs: await client(KUBECTL, args) });
}
await api.close();
await dns.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
