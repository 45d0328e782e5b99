/**
 * `mltm triage <model> <threat-id> --status accepted --justification "…"`: records a decision in
 * the register from the command line — the same library call the editor's quick fixes use. An
 * attack-path id (`path-…`, as `mltm plan` lists them) records a decision about that path, as
 * the Fix Plan view's Accept Attack Path does. `mltm triage <model>` alone reviews the register:
 * every triage problem, located.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { REGISTER_READ_LIMITS } from '../../core/parse/source';
import { analyze } from '../../core/analysis';
import { triageThreat } from '../../core/register/triage';
import { checkPathEntries, triagePath } from '../../core/register/pathEntries';
import {
  checkRegister,
  loadRegister,
  type PathStatus,
  type ThreatStatus,
} from '../../core/register/register';
import type { Command } from '../command';
import { describeWriteFailure, writeFileAtomic } from '../atomicWrite';
import { LockError, withFileLocks } from '../fileLock';
import {
  countBySeverity,
  displayPath,
  EXIT,
  formatProblemLine,
  locate,
  plural,
  readUserFile,
  type CliIo,
} from '../io';
import { loadCustomPacks } from '../workspace';
import { registerPathFor, reportRemovedTemporaries, todayIso } from './sync';

export const triageCommand: Command = {
  name: 'triage',
  summary: 'Record a decision about one threat or attack path in the register',
  usage:
    'mltm triage <model.mltm.yaml> (review the register) | mltm triage <model.mltm.yaml> <rule-id@element-id | path-id> [--status <status>] [--justification <text>] [--owner <who>] [--ticket <id>] [--review-by <YYYY-MM-DD>] [--confirm]',
  options: {
    status: {
      type: 'string',
      description:
        'open, mitigated, accepted, transferred or not_applicable (a path: open, mitigated, accepted or not_applicable)',
    },
    justification: {
      type: 'string',
      description: 'why (required for accepted, transferred, not_applicable)',
    },
    owner: { type: 'string', description: 'who owns the decision or fix' },
    ticket: { type: 'string', description: 'tracking ticket' },
    'review-by': { type: 'string', description: 'date by which to review the decision' },
    notes: { type: 'string', description: 'free text' },
    confirm: {
      type: 'boolean',
      default: false,
      description: 're-confirm a decision after its element (or an element on the path) changed',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length === 1) return review(resolve(io.cwd, positionals[0] as string), io);
    if (positionals.length !== 2) {
      io.stderr('mltm triage: expected <model> [<threat-id>].\n');
      return EXIT.usage;
    }
    const [given, threatId] = positionals as [string, string];
    const path = resolve(io.cwd, given);
    const read = readUserFile(path);
    if (read.text === undefined) {
      for (const p of locate(displayPath(io.cwd, path), undefined, read.problems))
        io.stderr(formatProblemLine(p) + '\n');
      return EXIT.usage;
    }
    const modelText = read.text;
    const analysis = analyze(modelText, { customPacks: (await loadCustomPacks(path)).packs });
    const registerPath = registerPathFor(path);
    // The lock is held from reading the register to writing it: a parallel triage or sync waits,
    // then applies its change on top of this one's (issue 16, defect 3).
    let code: number;
    try {
      code = withFileLocks([registerPath], () => {
        const existing = existsSync(registerPath)
          ? readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength)
          : { text: undefined, problems: [] };
        if (existsSync(registerPath) && existing.text === undefined) {
          for (const p of locate(displayPath(io.cwd, registerPath), undefined, existing.problems))
            io.stderr(formatProblemLine(p) + '\n');
          return EXIT.usage;
        }
        const text = (key: string) =>
          typeof values[key] === 'string' ? (values[key] as string) : undefined;
        const change = {
          ...(text('justification') !== undefined && { justification: text('justification') }),
          ...(text('owner') !== undefined && { owner: text('owner') }),
          ...(text('ticket') !== undefined && { ticket: text('ticket') }),
          ...(text('review-by') !== undefined && { reviewBy: text('review-by') }),
          ...(text('notes') !== undefined && { notes: text('notes') }),
          confirm: values['confirm'] === true,
        };
        const syncOptions = { today: todayIso(io), modelFile: basename(path) };
        // Threat ids hold `@`; path ids never do (`path-` and hex digits).
        const result = isPathId(threatId)
          ? triagePath(
              existing.text,
              analysis,
              threatId,
              {
                ...change,
                ...(text('status') !== undefined && { status: text('status') as PathStatus }),
              },
              syncOptions,
            )
          : triageThreat(
              existing.text,
              analysis,
              threatId,
              {
                ...change,
                ...(text('status') !== undefined && { status: text('status') as ThreatStatus }),
              },
              syncOptions,
            );
        if (!result.ok) {
          if (result.file === undefined)
            for (const p of result.problems) io.stderr(`mltm triage: ${p.message}\n`);
          else {
            const [where, text] =
              result.file === 'model'
                ? [displayPath(io.cwd, path), modelText]
                : [displayPath(io.cwd, registerPath), existing.text];
            for (const p of locate(where, text, result.problems))
              io.stderr(formatProblemLine(p) + '\n');
            io.stderr(`mltm triage: ${displayPath(io.cwd, registerPath)} was not written.\n`);
          }
          return EXIT.usage;
        }
        try {
          reportRemovedTemporaries(
            'triage',
            writeFileAtomic(registerPath, result.text, existing.text),
            io,
          );
        } catch (error) {
          io.stderr(
            `mltm triage: ${describeWriteFailure(error, displayPath(io.cwd, registerPath))}\n`,
          );
          return EXIT.usage;
        }
        io.stdout(`${displayPath(io.cwd, registerPath)}: ${threatId} updated.\n`);
        return EXIT.ok;
      });
    } catch (error) {
      if (!(error instanceof LockError)) throw error;
      io.stderr(
        `mltm triage: ${displayPath(io.cwd, registerPath)} was not written: ${error.message}\n`,
      );
      return EXIT.usage;
    }
    return code;
  },
};

/** Whether a triage target is an attack path (`path-` + 16 hex digits, as `mltm plan` prints). */
const isPathId = (id: string): boolean => /^path-[0-9a-f]{16}$/.test(id);

/**
 * Reviews a register against its model: prints every problem (`file:line:col: severity CODE
 * message`) and a summary. Exit 1 when there is an error or a warning (something to decide).
 */
async function review(path: string, io: CliIo): Promise<number> {
  const file = displayPath(io.cwd, path);
  const read = readUserFile(path);
  if (read.text === undefined) {
    for (const p of locate(file, undefined, read.problems)) io.stderr(formatProblemLine(p) + '\n');
    return EXIT.usage;
  }
  const analysis = analyze(read.text, { customPacks: (await loadCustomPacks(path)).packs });
  const modelErrors = analysis.problems.filter((p) => p.severity === 'error');
  if (analysis.status !== 'loaded' || modelErrors.length > 0) {
    for (const p of locate(file, read.text, modelErrors)) io.stderr(formatProblemLine(p) + '\n');
    return EXIT.usage;
  }
  const registerPath = registerPathFor(path);
  const registerFile = displayPath(io.cwd, registerPath);
  if (!existsSync(registerPath)) {
    io.stdout(`${registerFile} does not exist yet; run \`mltm sync ${file}\` to create it.\n`);
    return EXIT.findings;
  }
  const registerRead = readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength);
  if (registerRead.text === undefined) {
    for (const p of locate(registerFile, undefined, registerRead.problems))
      io.stderr(formatProblemLine(p) + '\n');
    return EXIT.usage;
  }
  const loaded = loadRegister(registerRead.text);
  const problems = [
    ...loaded.problems,
    ...(loaded.register
      ? [
          ...checkRegister(loaded.register, analysis, {
            today: todayIso(io),
            modelFile: basename(path),
          }),
          ...checkPathEntries(loaded.register, analysis, { today: todayIso(io) }),
        ]
      : []),
  ];
  for (const p of locate(registerFile, registerRead.text, problems))
    io.stdout(formatProblemLine(p) + '\n');
  const counts = countBySeverity(problems);
  io.stdout(
    `${registerFile}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'note')}.\n`,
  );
  return counts.error > 0 ? EXIT.usage : counts.warning > 0 ? EXIT.findings : EXIT.ok;
}
