/**
 * The GitHub Action's work (`action.yml` runs `dist/action.js`): find the repository's models,
 * gate them with `mltm check`, write one SARIF log for code scanning and a Markdown summary for
 * the job page. Everything goes through the same commands a user runs (`check`, `report`), in
 * process, so the Action cannot disagree with the CLI; this module only finds files, merges the
 * per-model SARIF logs and formats the summary.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { mergeSarifLogs, type SarifLog } from '../core/report/sarifMerge';
import { mdText } from '../core/report/text';
import { failsGate, parseFailOn, type GatePolicy } from '../core/gate';
import { SEVERITY_ORDER, type Severity } from '../core/rules/types';
import { writeFileAtomic } from './atomicWrite';
import { EXIT, type CliIo } from './io';
import { runCli } from './main';

/** The Action's inputs, as `action.yml` passes them (INPUT_* environment variables). */
export interface CiActionInputs {
  /** Git pathspec globs, separated by newlines or spaces (`**` crosses folders). */
  readonly models: string;
  readonly failOn: string;
  readonly atlas?: string;
  /** Where to write the merged SARIF log, relative to the working directory. */
  readonly sarifFile: string;
  /** Where to append the Markdown summary (GITHUB_STEP_SUMMARY), if anywhere. */
  readonly summaryFile?: string;
}

export interface CiActionResult {
  /** `mltm check`'s exit code: 0 pass, 1 findings, 2 invalid input or usage. */
  readonly exitCode: number;
  readonly models: readonly string[];
  /** The SARIF log written (as given in the inputs), if one was. */
  readonly sarifFile?: string;
}

interface ModelSummary {
  readonly file: string;
  readonly name: string;
  readonly valid: boolean;
  readonly open: Readonly<Record<Severity, number>>;
  readonly decided: number;
  readonly top: readonly { severity: string; id: string; title: string }[];
}

interface ReportJson {
  readonly model: { readonly name: string | null };
  readonly threats: readonly {
    readonly id: string;
    readonly title: string;
    readonly category: string;
    readonly severity: Severity;
    readonly status: string;
  }[];
}

/** Runs the CLI in process and returns its exit code and what it printed. */
async function capture(
  argv: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** The repository's files matching the globs, through git (tracked and untracked, not ignored). */
export function findModels(globs: string, cwd: string): string[] {
  const patterns = globs
    .split(/[\n\s]+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (patterns.length === 0) return [];
  const out = execFileSync(
    'git',
    [
      'ls-files',
      '-z',
      '--cached',
      '--others',
      '--exclude-standard',
      '--',
      ...patterns.map((p) => `:(glob)${p}`),
    ],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return [...new Set(out.split('\0').filter((f) => f.length > 0))].sort();
}

function summarise(
  file: string,
  report: ReportJson | undefined,
  policy: GatePolicy | undefined,
): ModelSummary {
  const open = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  if (!report) return { file, name: file, valid: false, open, decided: 0, top: [] };
  let decided = 0;
  const over: ReportJson['threats'][number][] = [];
  for (const t of report.threats) {
    if (t.status === 'open') {
      open[t.severity]++;
      if (policy && failsGate(policy, t)) over.push(t);
    } else if (t.status !== 'mitigated') decided++;
  }
  over.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) ||
      (a.id < b.id ? -1 : 1),
  );
  return {
    file,
    name: report.model.name ?? file,
    valid: true,
    open,
    decided,
    top: over.slice(0, 5).map((t) => ({ severity: t.severity, id: t.id, title: t.title })),
  };
}

/** The job summary: the gate's verdict, a table per model, the first threats that fail it. */
export function summaryMarkdown(
  models: readonly ModelSummary[],
  exitCode: number,
  failOn: string,
  checkLog: string,
): string {
  const verdict =
    exitCode === EXIT.ok
      ? 'passed'
      : exitCode === EXIT.findings
        ? 'failed: open threats or register problems'
        : 'failed: invalid input';
  const severities = [...SEVERITY_ORDER].reverse();
  const lines = [
    '## mltm threat model check',
    '',
    `**Gate ${verdict}** (fail on \`${mdText(failOn)}\`), ${models.length} model${models.length === 1 ? '' : 's'}.`,
    '',
    `| Model | File | ${severities.map((s) => `Open ${s}`).join(' | ')} | Decided |`,
    `| --- | --- | ${severities.map(() => '---:').join(' | ')} | ---: |`,
  ];
  for (const m of models)
    lines.push(
      m.valid
        ? `| ${mdText(m.name)} | \`${mdText(m.file)}\` | ${severities.map((s) => m.open[s]).join(' | ')} | ${m.decided} |`
        : `| (invalid) | \`${mdText(m.file)}\` | ${severities.map(() => '–').join(' | ')} | – |`,
    );
  const failing = models.filter((m) => m.top.length > 0);
  if (failing.length > 0) {
    lines.push('', '### Open threats at or above the gate (first five per model)', '');
    for (const m of failing) {
      lines.push(`**${mdText(m.name)}**`, '');
      for (const t of m.top)
        lines.push(`- ${t.severity.toUpperCase()} \`${mdText(t.id)}\`: ${mdText(t.title)}`);
      lines.push('');
    }
  }
  // The gate's own words, for what the table does not show (register problems, invalid files).
  const fence = '`'.repeat(
    Math.max(3, ...[...checkLog.matchAll(/`+/g)].map((m) => m[0].length + 1)),
  );
  lines.push(
    '',
    '<details><summary>mltm check output</summary>',
    '',
    fence + 'text',
    checkLog.trimEnd(),
    fence,
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

/** Runs the Action: check, SARIF, summary, outputs. Never throws for user input. */
export async function runCiAction(
  inputs: CiActionInputs,
  cwd: string,
  log: (text: string) => void,
): Promise<CiActionResult> {
  let models: string[];
  try {
    models = findModels(inputs.models, cwd);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    log(`mltm action: could not list the repository's files with git (${why}).\n`);
    return { exitCode: EXIT.usage, models: [] };
  }
  if (models.length === 0) {
    log(`mltm action: no model matches \`${inputs.models.trim()}\` in ${cwd}.\n`);
    return { exitCode: EXIT.usage, models };
  }
  const atlas = inputs.atlas !== undefined && inputs.atlas !== '' ? ['--atlas', inputs.atlas] : [];
  const check = await capture(['check', ...models, '--fail-on', inputs.failOn, ...atlas], cwd);
  log(check.stdout + check.stderr);
  // The same policy `check` applied (core/gate.ts); an invalid value was refused by it above.
  const parsedFailOn = parseFailOn(inputs.failOn);
  const policy = parsedFailOn.ok ? parsedFailOn.policy : undefined;
  const logs: SarifLog[] = [];
  const summaries: ModelSummary[] = [];
  for (const file of models) {
    // An invalid model has no report: the check output above already says why.
    const sarif = await capture(['report', file, '--format', 'sarif', ...atlas], cwd);
    const json = await capture(['report', file, '--format', 'json', ...atlas], cwd);
    if (sarif.code === EXIT.ok) logs.push(JSON.parse(sarif.stdout) as SarifLog);
    summaries.push(
      summarise(
        file,
        json.code === EXIT.ok ? (JSON.parse(json.stdout) as ReportJson) : undefined,
        policy,
      ),
    );
  }
  const sarifPath = resolve(cwd, inputs.sarifFile);
  const merged = `${JSON.stringify(mergeSarifLogs(logs), null, 2)}\n`;
  let previous: string | undefined;
  try {
    previous = readFileSync(sarifPath, 'utf8');
  } catch {
    previous = undefined;
  }
  mkdirSync(dirname(sarifPath), { recursive: true });
  writeFileAtomic(sarifPath, merged, previous);
  log(`mltm action: SARIF for ${logs.length} of ${models.length} models in ${inputs.sarifFile}.\n`);
  if (inputs.summaryFile)
    appendFileSync(
      inputs.summaryFile,
      summaryMarkdown(summaries, check.code, inputs.failOn, check.stdout + check.stderr),
    );
  return { exitCode: check.code, models, sarifFile: inputs.sarifFile };
}

/** Entry of `dist/action.js`: inputs from the environment as GitHub passes them. */
export function actionMain(env: NodeJS.ProcessEnv = process.env): void {
  const input = (name: string, fallback = '') => env[`INPUT_${name}`] ?? fallback;
  void runCiAction(
    {
      models: input('MODELS', '**/*.mltm.yaml **/*.mltm.yml'),
      failOn: input('FAIL_ON', 'high'),
      atlas: input('ATLAS'),
      sarifFile: input('SARIF_FILE', 'mltm.sarif'),
      ...(env['GITHUB_STEP_SUMMARY'] && { summaryFile: env['GITHUB_STEP_SUMMARY'] }),
    },
    process.cwd(),
    (text) => process.stdout.write(text),
  ).then(
    (result) => {
      const outputs = env['GITHUB_OUTPUT'];
      if (outputs) {
        // Under GitHub the verdict is an output and the step succeeds, so the SARIF upload
        // still runs; the Action's last step fails the job with this code.
        appendFileSync(
          outputs,
          `exit-code=${result.exitCode}\nsarif-file=${result.sarifFile ?? ''}\nmodels=${result.models.length}\n`,
        );
        process.exitCode = 0;
      } else process.exitCode = result.exitCode;
    },
    (error: unknown) => {
      process.stderr.write(
        `mltm action: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT.usage;
    },
  );
}
