/**
 * `mltm diff <old-model> <new-model>` or `mltm diff <model> --base <git-rev>`: threats added,
 * removed and changed (severity, status, missing controls) between two versions — the summary
 * a reviewer wants on a pull request. Text or JSON.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { analyze } from '../../core/analysis';
import { decodeUtf8, REGISTER_READ_LIMITS } from '../../core/parse/source';
import { diffThreats, type ThreatChange, type ThreatDiff } from '../../core/register/diff';
import { loadRegister, type ThreatRegister } from '../../core/register/register';
import { inert } from '../../core/util/inert';
import type { Command } from '../command';
import { displayPath, EXIT, formatProblemLine, locate, readUserFile } from '../io';
import { loadCustomPacks } from '../workspace';
import { registerPathFor } from './sync';

/** Reads a file as it was at a git revision; undefined when it did not exist there. */
export function readAtRevision(path: string, revision: string): { text?: string; error?: string } {
  let absolute = resolve(path);
  try {
    // git reports the top level with symlinks resolved; the path must be resolved the same way.
    absolute = join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return { error: `\`${path}\`: no such folder` };
  }
  const cwd = dirname(absolute);
  let root: string;
  try {
    root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    return { error: `\`${path}\` is not inside a git repository` };
  }
  const inRepo = relative(root, absolute).split('\\').join('/');
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], {
      cwd: root,
      stdio: 'ignore',
    });
  } catch {
    return { error: `unknown git revision \`${revision}\`` };
  }
  try {
    const bytes = execFileSync('git', ['show', `${revision}:${inRepo}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const decoded = decodeUtf8(bytes);
    return decoded.text === undefined
      ? { error: decoded.problems[0]?.message ?? 'not UTF-8' }
      : { text: decoded.text };
  } catch {
    return {};
  }
}

export function formatDiffText(diff: ThreatDiff, beforeLabel: string, afterLabel: string): string {
  const line = (c: ThreatChange, sign: string) => {
    const state = c.after ?? c.before;
    // Every string from the models and registers through `inert`: one change, one line.
    return `  ${sign} ${inert(c.id)}  ${inert(state?.severity ?? '')} ${inert(state?.status ?? '')}  ${inert(c.title)}${sign === '~' ? `  (${inert(c.changes.join('; '))})` : ''}`;
  };
  const lines = [
    `Threat diff ${inert(beforeLabel)} → ${inert(afterLabel)}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged.`,
  ];
  if (diff.added.length > 0) lines.push('', 'Added:', ...diff.added.map((c) => line(c, '+')));
  if (diff.removed.length > 0) lines.push('', 'Removed:', ...diff.removed.map((c) => line(c, '-')));
  if (diff.changed.length > 0) lines.push('', 'Changed:', ...diff.changed.map((c) => line(c, '~')));
  return lines.join('\n') + '\n';
}

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare the threats of two versions of a model',
  usage:
    'mltm diff <old.mltm.yaml> <new.mltm.yaml> | mltm diff <model.mltm.yaml> --base <git-rev> [--format text|json]',
  options: {
    base: {
      type: 'string',
      description: 'a git revision to compare the model (and its register) against',
    },
    format: { type: 'string', default: 'text', description: 'text or json' },
  },
  async run({ positionals, values, io }) {
    const format = String(values['format']);
    if (format !== 'text' && format !== 'json') {
      io.stderr(`mltm diff: unknown --format \`${format}\`; use text or json.\n`);
      return EXIT.usage;
    }
    const base = typeof values['base'] === 'string' ? values['base'] : undefined;
    if (
      (base === undefined && positionals.length !== 2) ||
      (base !== undefined && positionals.length !== 1)
    ) {
      io.stderr(`Usage: ${diffCommand.usage}\n`);
      return EXIT.usage;
    }
    const afterPath = resolve(io.cwd, positionals[positionals.length - 1] as string);
    const after = readUserFile(afterPath);
    if (after.text === undefined) {
      for (const p of locate(displayPath(io.cwd, afterPath), undefined, after.problems))
        io.stderr(formatProblemLine(p) + '\n');
      return EXIT.usage;
    }
    let beforeText: string;
    let beforeRegisterText: string | undefined;
    let beforeLabel: string;
    if (base !== undefined) {
      const old = readAtRevision(afterPath, base);
      if (old.error) {
        io.stderr(`mltm diff: ${old.error}.\n`);
        return EXIT.usage;
      }
      // A model that did not exist at the base revision: every threat is new.
      beforeText = old.text ?? 'mltm: 1\nname: (none)\ncomponents: {}\n';
      beforeRegisterText = readAtRevision(registerPathFor(afterPath), base).text;
      beforeLabel = `${displayPath(io.cwd, afterPath)}@${base}`;
    } else {
      const beforePath = resolve(io.cwd, positionals[0] as string);
      const before = readUserFile(beforePath);
      if (before.text === undefined) {
        for (const p of locate(displayPath(io.cwd, beforePath), undefined, before.problems))
          io.stderr(formatProblemLine(p) + '\n');
        return EXIT.usage;
      }
      beforeText = before.text;
      const registerPath = registerPathFor(beforePath);
      beforeRegisterText = existsSync(registerPath)
        ? readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength).text
        : undefined;
      beforeLabel = displayPath(io.cwd, beforePath);
    }
    const packs = (await loadCustomPacks(afterPath)).packs;
    const oldAnalysis = analyze(beforeText, { customPacks: packs });
    const newAnalysis = analyze(after.text, { customPacks: packs });
    // A model with errors yields no threats; diffing it would report every threat as removed.
    let broken = false;
    for (const [label, text, analysis] of [
      [beforeLabel, beforeText, oldAnalysis],
      [displayPath(io.cwd, afterPath), after.text, newAnalysis],
    ] as const) {
      const errors = analysis.problems.filter((p) => p.severity === 'error');
      for (const p of locate(label, text, errors)) io.stderr(formatProblemLine(p) + '\n');
      broken ||= errors.length > 0;
    }
    if (broken) {
      io.stderr(
        'mltm diff: fix the model errors above first; a broken model has no threats to compare.\n',
      );
      return EXIT.usage;
    }
    const afterRegisterPath = registerPathFor(afterPath);
    const afterRegisterText = existsSync(afterRegisterPath)
      ? readUserFile(afterRegisterPath, REGISTER_READ_LIMITS.maxLength).text
      : undefined;
    const register = (text: string | undefined): ThreatRegister | undefined =>
      text === undefined ? undefined : loadRegister(text).register;
    const diff = diffThreats(
      oldAnalysis,
      newAnalysis,
      register(beforeRegisterText),
      register(afterRegisterText),
    );
    const afterLabel = displayPath(io.cwd, afterPath);
    if (format === 'json')
      io.stdout(
        JSON.stringify({ before: beforeLabel, after: afterLabel, ...diff }, null, 2) + '\n',
      );
    else io.stdout(formatDiffText(diff, beforeLabel, afterLabel));
    return EXIT.ok;
  },
};
