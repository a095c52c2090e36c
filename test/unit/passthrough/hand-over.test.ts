// Handing the process over to kubectl (or env's program): execve when it can
// only succeed (Node 24 aborts on a failed execve), else the spawn fallback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execveCanStart, handOver } from '../../../plugin/passthrough/hand-over.ts';
import { lookPath } from '../../../plugin/passthrough/kubectl-path.ts';
import { KUBECTL } from '../../helpers/processes.ts';
import { tempDir } from '../../helpers/kubeconfig-builder.ts';
import { testCtx } from '../../helpers/context.ts';

const dir = tempDir();
const script = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o755 });
  return p;
};

test('execveCanStart :: ELF binaries with their loader (node) or none (kubectl, static Go); scripts whose interpreter exists', () => {
  assert.ok(execveCanStart(process.execPath), 'a dynamically linked ELF');
  assert.ok(execveCanStart(KUBECTL), 'a static Go binary');
  assert.ok(execveCanStart(script('ok.sh', '#!/bin/sh\nexit 0\n')));
  assert.ok(execveCanStart(script('args.sh', '#! /bin/sh -e\nexit 0\n')));
  assert.not.ok(execveCanStart(script('nointerp.sh', '#!/nonexistent/sh\nexit 0\n')), 'execve would fail with ENOENT');
  assert.not.ok(execveCanStart(script('relative.sh', '#!sh\nexit 0\n')));
  assert.not.ok(execveCanStart(script('bare.sh', 'exit 0\n')), 'only execvp runs it, through /bin/sh');
  assert.not.ok(execveCanStart(join(dir, 'missing')));
  assert.not.ok(execveCanStart(script('tiny', '#!')));
});

test('handOver :: execve with argv[0] and the environment when it can start; spawn (exit status back) when not', async () => {
  const calls: unknown[] = [];
  const { ctx } = testCtx({
    execve: (file, argv, env) => {
      calls.push([file, argv, env]);
      throw new Error('execve seam reached');
    },
  });
  // The seam throws (as Node 26 does on failure): the spawn fallback runs it after all.
  const code = await handOver(ctx, script('seven.sh', '#!/bin/sh\nexit 7\n'), ['a b'], { X: '1' }, 'seven');
  assert.is(code, 7);
  assert.equal(calls, [[join(dir, 'seven.sh'), ['seven', 'a b'], { X: '1' }]]);
  calls.length = 0;
  assert.is(await handOver(ctx, script('bare7.sh', 'exit 5\n'), [], {}), 5);
  assert.equal(calls, [], 'no execve for a file it cannot start');
});

test('lookPath :: PATH order, a path with a slash as given, nothing for a missing or non-executable file', () => {
  const a = tempDir();
  const b = tempDir();
  writeFileSync(join(b, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(a, 'tool'), 'not executable', { mode: 0o644 });
  assert.is(lookPath('tool', { PATH: `${a}:${b}` }, '/'), join(b, 'tool'));
  assert.is(lookPath('./tool', {}, b), join(b, 'tool'));
  assert.is(lookPath('nosuch', { PATH: `${a}:${b}` }, '/'), undefined);
  assert.is(lookPath(join(a, 'tool'), {}, '/'), undefined);
});

test.run();
