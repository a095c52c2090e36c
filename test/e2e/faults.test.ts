// The fault-injection matrix (issue #9): every command of the built binary
// against every fault the fake API server can play (refused, reset, cut,
// garbage, wrong content type, bare 5xx, a 100 MiB body, slow-loris peers,
// TLS failures, a socket file that disappears). Each case must end with one
// clear line in kubectl's words (real kubectl over TCP is the oracle where it
// can see the same fault), or resume where kubectl sock promises to; within
// --request-timeout; without a stack trace; and leave no temp file, socket
// file or child process behind. Cases run a few at a time, each against its
// own server; the last line counts the cases that survived.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { KUBECTL } from '../helpers/processes.ts';
import { runRow, type Outcome, type Row } from './faults/drivers.ts';
import { crashSign, errorLines, leftoverProcesses, maskKlog, socketFiles, startCaseEnv, LOG_LINES, type CaseEnv } from './faults/fixture.ts';
import { allRows } from './faults/rows.ts';

const CONCURRENCY = 3;
// KSOCK_FAULTS_ONLY=text runs the rows whose "command :: fault" name contains it (while working on one).
const only = process.env['KSOCK_FAULTS_ONLY'] ?? '';
const rows = allRows().filter((r) => `${r.command} :: ${r.fault}`.includes(only));
let survived = 0;

/** Why a case failed, or nothing when it survived. */
async function check(row: Row, env: CaseEnv, o: Outcome): Promise<string[]> {
  const bad = [...o.problems];
  const { ours } = o;
  const crash = crashSign(ours.stderr);
  if (crash) bad.push(`stderr shows ${crash}`);
  if (ours.signal === 'SIGKILL') bad.push(`hung: killed after ${ours.ms} ms`);
  const timeout = /--request-timeout=(\d+)s/.exec((row.args ?? []).join(' '))?.[1];
  // Generous: only a command that ignores its --request-timeout goes over.
  if (timeout !== undefined && ours.ms > Number(timeout) * 1000 + 5000) bad.push(`took ${ours.ms} ms despite --request-timeout=${timeout}s`);
  if (row.maxPerSecond) {
    const { target, perSecond } = row.maxPerSecond;
    const sent = env.api.requests.filter((r) => r.listener === 'unix' && target.test(r.url)).length;
    const rate = sent / Math.max(1, ours.ms / 1000);
    if (rate > perSecond) bad.push(`${sent} requests for ${target} in ${ours.ms} ms: ${rate.toFixed(1)}/s, over the ceiling of ${perSecond}/s`);
    // kubectl's time is the oracle (with slack for a shared machine).
    if (o.theirs && ours.ms > o.theirs.ms + 3000) bad.push(`took ${ours.ms} ms where kubectl took ${o.theirs.ms} ms`);
  }
  const e = row.expect;
  if ('oracle' in e) {
    const theirs = o.theirs;
    if (!theirs) bad.push('no oracle run');
    else {
      const want = maskKlog(theirs.stderr).replaceAll(`${basename(KUBECTL)} `, 'kubectl ');
      if (ours.stderr !== want) bad.push(`stderr ${JSON.stringify(ours.stderr)} != kubectl's ${JSON.stringify(want)}`);
      if (ours.stdout !== theirs.stdout) bad.push(`stdout differs from kubectl's (${ours.stdout.length} vs ${theirs.stdout.length} bytes): ${JSON.stringify(ours.stdout.slice(0, 200))}`);
      if (ours.code !== theirs.code) bad.push(`exit code ${ours.code} != kubectl's ${theirs.code}`);
      if (errorLines(ours.stderr).length > 1) bad.push(`more than one error line: ${JSON.stringify(ours.stderr)}`);
    }
  } else if ('error' in e) {
    const lines = errorLines(ours.stderr);
    if (lines.length !== 1 || !e.error.test(lines[0] as string)) bad.push(`stderr ${JSON.stringify(ours.stderr)} is not one line matching ${e.error}`);
    if (ours.code !== (e.code ?? 1)) bad.push(`exit code ${ours.code}${ours.signal ? ` (${ours.signal})` : ''}, want ${e.code ?? 1}`);
  } else if ('stdout' in e) {
    if (ours.code !== 0 || ours.stdout !== e.stdout || ours.stderr !== '') bad.push(`exit ${ours.code}, stdout ${JSON.stringify(ours.stdout.slice(0, 200))}, stderr ${JSON.stringify(ours.stderr)}; want exit 0 and ${JSON.stringify(e.stdout)}`);
  } else {
    if (ours.code !== 130) bad.push(`exit code ${ours.code}${ours.signal ? ` (${ours.signal})` : ''} after Ctrl-C, want 130`);
    if (ours.stderr !== '') bad.push(`stderr ${JSON.stringify(ours.stderr)}, want none`);
    bad.push(...resumeProblems(row, ours.stdout));
  }
  bad.push(...(await leftovers(row, env, o)));
  return bad;
}

/** A resumed stream shows everything exactly once and nothing half-received. */
function resumeProblems(row: Row, stdout: string): string[] {
  const lines = stdout.split('\n').slice(0, -1);
  const want = row.command === 'get -w'
    ? ['NAME', 'api', 'web', 'added-after-the-fault']
    : [...LOG_LINES, 'appended after the fault'];
  const key = (l: string) => (row.command === 'get -w' ? (l.split(/\s+/)[0] as string) : l);
  const counts = new Map<string, number>();
  for (const l of lines) counts.set(key(l), (counts.get(key(l)) ?? 0) + 1);
  const out: string[] = [];
  for (const w of want) if (counts.get(w) !== 1) out.push(`${JSON.stringify(w)} shown ${counts.get(w) ?? 0} times`);
  for (const k of counts.keys()) if (!want.includes(k)) out.push(`unexpected line ${JSON.stringify(k)}`);
  return out;
}

async function leftovers(row: Row, env: CaseEnv, o: Outcome): Promise<string[]> {
  const out: string[] = [];
  for (const t of o.tracked) {
    const alive = await leftoverProcesses(t);
    if (alive.length > 0) out.push(`child processes left running: ${alive.join(', ')}`);
  }
  await env.api.close();
  await Promise.all(env.cleanups.map((c) => c()));
  const tmp = readdirSync(env.tmp);
  if (tmp.length > 0) out.push(`TMPDIR not empty: ${tmp.join(', ')}`);
  const sockets = socketFiles(env.dir).filter((p) => !p.endsWith('/stale.sock'));
  if (sockets.length > 0) out.push(`socket files left: ${sockets.join(', ')}`);
  return out;
}

/** Runs every case, a few at a time; each test below awaits its own. */
const results = new Map<Row, Promise<string[]>>();
let next = 0;
async function worker(): Promise<void> {
  while (next < rows.length) {
    const row = rows[next++] as Row;
    const env = await startCaseEnv();
    let done: (v: string[]) => void = () => undefined;
    results.set(row, new Promise((r) => (done = r)));
    try {
      done(await check(row, env, await runRow(row, env)));
    } catch (err) {
      await env.api.close();
      done([`the case itself failed: ${(err as Error).stack ?? String(err)}`]);
    }
  }
}

test.before(() => {
  for (let i = 0; i < CONCURRENCY; i++) void worker();
});

async function resultOf(row: Row): Promise<string[]> {
  while (!results.has(row)) await new Promise((r) => setTimeout(r, 20));
  return results.get(row) as Promise<string[]>;
}

for (const row of rows) {
  test(`${row.command} :: ${row.fault}`, async () => {
    const bad = await resultOf(row);
    if (bad.length === 0) survived++;
    assert.equal(bad, [], bad.join('\n'));
  });
}

test.after(() => {
  process.stdout.write(`faults: ${survived} cases survived of ${rows.length} tried\n`);
});

test.run();
