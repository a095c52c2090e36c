// docs/kubectl-sock.service under a real systemd: scripts/verify-systemd-unit
// boots systemd as PID 1 in a systemd-nspawn container (an overlay of this
// machine's root; the host is not changed), installs the unit as its header
// says, and runs `kubectl sock serve` under the unit's sandboxing: user,
// capabilities, no_new_privs, seccomp, read-only system, RuntimeDirectory,
// StateDirectory, LogsDirectory, LoadCredential, reload, restart and stop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ensureDebianPackages, hasCommand } from '../helpers/apt.ts';
import { ROOT, run } from '../helpers/processes.ts';

test('systemd unit :: works under its own sandboxing, with systemd as PID 1', async () => {
  const missing = ensureDebianPackages(['systemd-container'], () => hasCommand('systemd-nspawn', ['--version']));
  assert.is(missing, undefined, missing);
  const r = await run(join(ROOT, 'scripts', 'verify-systemd-unit'), [], { timeoutMs: 240_000, env: { KUBECTL_SOCK_BINARY: process.env['KUBECTL_SOCK_BINARY'] } });
  process.stdout.write(r.stdout.split('\n').filter((l) => /exposure|CapEff/.test(l)).map((l) => `load: systemd ${l.replace(/^ok +/, '')}\n`).join(''));
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /all checks passed\n$/);
  const checks = r.stdout.split('\n').filter((l) => l.startsWith('ok '));
  assert.is(checks.length, 14, r.stdout);
});

test.run();
