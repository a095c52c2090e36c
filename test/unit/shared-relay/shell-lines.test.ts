// The lines `kubectl sock env` prints for bash, zsh and fish, quoted so any path survives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { detectShell, exportLines, unsetLines } from '../../../plugin/shared-relay/shell-lines.ts';

const odd = `/tmp/it's a "dir" \\ with $HOME and \`x\``;

test('exportLines :: bash/zsh and fish read back the exact value', () => {
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const text = exportLines(shell, { kubeconfig: odd, save: `${odd}:b`, about: 'about', command: 'kubectl sock env' });
    const r = spawnSync(shell, ['-c', `${text}\nprintf '%s|%s' "$KUBECONFIG" "$KUBECTL_SOCK_SAVED_KUBECONFIG"`], { encoding: 'utf8' });
    assert.is(r.stdout, `${odd}|${odd}:b`, `${shell}: ${r.stderr}`);
  }
});

test('unsetLines :: back to the saved KUBECONFIG, or none', () => {
  assert.is(unsetLines('bash', {}), 'unset KUBECONFIG;\n');
  assert.is(unsetLines('zsh', { KUBECTL_SOCK_SAVED_KUBECONFIG: '/a:/b' }), "export KUBECONFIG='/a:/b';\nunset KUBECTL_SOCK_SAVED_KUBECONFIG;\n");
  assert.is(unsetLines('fish', {}), 'set -e KUBECONFIG;\n');
});

test('detectShell :: from $SHELL, bash otherwise', () => {
  assert.is(detectShell({ SHELL: '/usr/bin/fish' }), 'fish');
  assert.is(detectShell({ SHELL: '/bin/zsh' }), 'zsh');
  assert.is(detectShell({ SHELL: '/bin/tcsh' }), 'bash');
  assert.is(detectShell({}), 'bash');
});

test.run();
