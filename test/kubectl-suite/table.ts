// The suite's table (function, each run's pass/fail and seconds, the first
// failing assertion) and its closing counts.
import type { FunctionResult, Mode } from './suite.ts';

type Runs = Map<Mode, FunctionResult[]>;
type Reasons = Map<string, string>;

const find = (runs: Runs, mode: Mode, name: string) => runs.get(mode)?.find((r) => r.name === name);
const cell = (r: FunctionResult | undefined) => (r === undefined ? '' : r.passed ? 'pass' : 'FAIL');
const secs = (r: FunctionResult | undefined) => (r === undefined ? '' : r.seconds.toFixed(1));
const esc = (s: string) => s.replace(/\|/g, '\\|');

/** The reasons files: kubectl fails it here; it cannot run through a socket; kubectl-sock differs on purpose. */
export interface Lists {
  excluded: Reasons;
  socketOnly: Reasons;
  known: Reasons;
}

/** A Markdown table: one row per function, in the order run. */
export function formatTable(functions: string[], runs: Runs, { excluded, socketOnly, known }: Lists): string {
  const rows = ['| function | kubectl (TLS) | s | kubectl-sock (unix socket) | s | first failing assertion / note |', '|---|---|---:|---|---:|---|'];
  for (const name of functions) {
    const k = find(runs, 'kubectl', name);
    const s = find(runs, 'sock', name);
    const notes: string[] = [];
    if (excluded.has(name)) notes.push(`excluded: ${excluded.get(name)}`);
    if (socketOnly.has(name)) notes.push(`cannot run through a socket: ${socketOnly.get(name)}`);
    if (known.has(name)) notes.push(`known difference: ${known.get(name)}`);
    if (k && !k.passed) notes.push(`kubectl: ${k.firstFailure}`);
    if (s && !s.passed) notes.push(`kubectl-sock: ${s.firstFailure}`);
    rows.push(`| ${name} | ${cell(k)} | ${secs(k)} | ${cell(s)} | ${secs(s)} | ${esc(notes.join(' · '))} |`);
  }
  return rows.join('\n');
}

export interface Summary {
  ok: boolean;
  text: string;
}

/**
 * The closing counts. Not ok when kubectl-sock fails a function kubectl passes
 * (unless it is named as unable to run through a socket or as a known
 * difference), when kubectl fails one not excluded with a reason, or when a
 * listed reason no longer holds.
 */
export function summarize(functions: string[], runs: Runs, { excluded, socketOnly, known }: Lists): Summary {
  const lines: string[] = [];
  const problems: string[] = [];
  const both = runs.has('kubectl') && runs.has('sock');
  const passedBy = (mode: Mode) => functions.filter((n) => find(runs, mode, n)?.passed).length;
  lines.push(`functions run: ${functions.length}`);
  if (runs.has('kubectl')) lines.push(`passed by kubectl (control run): ${passedBy('kubectl')}`);
  if (runs.has('sock')) lines.push(`passed by kubectl-sock: ${passedBy('sock')}`);
  if (both) {
    // Side by side on one machine (each run on its own control plane, at the same time).
    const common = functions.filter((n) => find(runs, 'kubectl', n)?.passed && find(runs, 'sock', n)?.passed);
    const sum = (mode: Mode) => common.reduce((t, n) => t + (find(runs, mode, n)?.seconds ?? 0), 0);
    const k = sum('kubectl');
    const s = sum('sock');
    lines.push(`time of the ${common.length} functions both passed: kubectl ${k.toFixed(0)}s, kubectl-sock ${s.toFixed(0)}s (${(s / Math.max(k, 0.1)).toFixed(2)}x)`);
  }
  const excludedHere = functions.filter((n) => excluded.has(n));
  lines.push(`excluded (fail for kubectl itself here): ${excludedHere.length}`);
  for (const n of excludedHere) lines.push(`  - ${n}: ${excluded.get(n)}`);
  const socketHere = functions.filter((n) => socketOnly.has(n));
  if (socketHere.length > 0) {
    lines.push(`cannot run through a socket (not counted as passing): ${socketHere.length}`);
    for (const n of socketHere) lines.push(`  - ${n}: ${socketOnly.get(n)}`);
  }
  const knownHere = functions.filter((n) => known.has(n));
  if (knownHere.length > 0) {
    lines.push(`known differences, left as they are (not counted as passing): ${knownHere.length}`);
    for (const n of knownHere) lines.push(`  - ${n}: ${known.get(n)}`);
  }
  for (const n of functions) {
    const k = find(runs, 'kubectl', n);
    const s = find(runs, 'sock', n);
    if (k && !k.passed && !excluded.has(n)) problems.push(`${n}: kubectl failed it and it is not in excluded.tsv (${k.firstFailure})`);
    // A "flaky:" reason is an outcome the control plane's timing decides: either result is expected.
    const flaky = excluded.get(n)?.startsWith('flaky:') ?? false;
    if (k?.passed && excluded.has(n) && !flaky) problems.push(`${n}: excluded, but kubectl passed it: drop it from excluded.tsv`);
    if (s?.passed && (socketOnly.has(n) || known.has(n))) problems.push(`${n}: kubectl-sock passed it: drop it from ${socketOnly.has(n) ? 'socket-only.tsv' : 'known-differences.tsv'}`);
    if (s && !s.passed && !socketOnly.has(n) && !known.has(n) && (!both || k?.passed) && !excluded.has(n)) {
      problems.push(`${n}: kubectl-sock failed it${both ? ', kubectl passed it' : ''} (${s.firstFailure})`);
    }
  }
  if (problems.length > 0) {
    lines.push(`problems: ${problems.length}`);
    for (const p of problems) lines.push(`  - ${p}`);
  }
  return { ok: problems.length === 0, text: lines.join('\n') };
}
