// cobra's __complete output: what the shell scripts and kubectl parse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Directive, directiveNames, formatCompletion, formatCompletionDiagnostics } from '../../../plugin/completion/directive.ts';

test('formatCompletion :: one candidate a line, then :directive', () => {
  const c = { candidates: ['get\tDisplay one or many resources', 'logs'], directive: Directive.NoFileComp };
  assert.is(formatCompletion(c, true), 'get\tDisplay one or many resources\nlogs\n:4\n');
  assert.is(formatCompletion(c, false), 'get\nlogs\n:4\n');
  assert.is(formatCompletion({ candidates: [], directive: 0 }, true), ':0\n');
});

test('formatCompletion :: a description keeps its first line only, and the line is trimmed', () => {
  const c = { candidates: ['--x\tfirst line\nsecond line', 'y\t', ' z '], directive: Directive.NoSpace | Directive.NoFileComp };
  assert.is(formatCompletion(c, true), '--x\tfirst line\ny\nz\n:6\n');
});

test('directiveNames :: cobra ShellCompDirective.string()', () => {
  assert.is(directiveNames(0), 'ShellCompDirectiveDefault');
  assert.is(directiveNames(4), 'ShellCompDirectiveNoFileComp');
  assert.is(directiveNames(6), 'ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp');
  assert.is(directiveNames(63), 'ShellCompDirectiveError, ShellCompDirectiveNoSpace, ShellCompDirectiveNoFileComp, ShellCompDirectiveFilterFileExt, ShellCompDirectiveFilterDirs, ShellCompDirectiveKeepOrder');
  assert.is(directiveNames(64), 'ERROR: unexpected ShellCompDirective value: 64');
});

test('formatCompletionDiagnostics :: the error, then the directive line', () => {
  assert.is(formatCompletionDiagnostics({ candidates: [], directive: 4 }), 'Completion ended with directive: ShellCompDirectiveNoFileComp\n');
  assert.is(
    formatCompletionDiagnostics({ candidates: [], directive: 0, error: 'unknown flag: --x' }),
    '[Debug] [Error] unknown flag: --x\nCompletion ended with directive: ShellCompDirectiveDefault\n',
  );
});

test.run();
