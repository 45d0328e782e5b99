/**
 * `mltm check <model…> --fail-on <severity>[,<category>=<severity>]`: the CI gate (the policy's
 * syntax is core/gate.ts). Exit 1 when a model has open threats
 * (the register's decision, else the controls in place, say so) at or above the severity, or
 * when its register has problems a reviewer must act on (an expired or unjustified decision, a
 * decision taken before the element changed, entries for unknown rules or elements, a register
 * of another model); exit 2 when the input is invalid (unreadable file, model errors, a register
 * that does not load, a bad option); else 0. Prints a short summary a CI log can show as is.
 */
import { threatsOf } from '../../core/analysis';
import { effectiveStatus } from '../../core/register/diff';
import { SEVERITY_ORDER } from '../../core/rules/types';
import { describePolicy, failsGate, parseFailOn } from '../../core/gate';
import { LineIndex } from '../../core/util/lineIndex';
import { sessionRegister } from '../../core/workspace/modelWorkspace';
import { registerNotesOf } from '../../core/workspace/report';
import { inert } from '../../core/util/inert';
import type { Command } from '../command';
import { EXIT, plural } from '../io';
import { loadModelContext } from '../modelContext';
import { atlasOption } from '../workspace';
import { todayIso } from './sync';

/** Register problems that fail the gate: decisions that need a person. Stale entries (history) and hand edits (sync restores them) do not. */
export const GATING_REGISTER_CODES: ReadonlySet<string> = new Set([
  'MLTM301',
  'MLTM302',
  'MLTM303',
  'MLTM305',
  'MLTM306',
  'MLTM307',
]);

export const checkCommand: Command = {
  name: 'check',
  summary: 'CI gate: fail on open threats at or above a severity, or on register problems',
  usage:
    'mltm check <model.mltm.yaml…> [--fail-on critical|high|medium|low|info|none[,security=<severity>][,privacy=<severity>]] [--atlas <ATLAS.yaml>] [--max-listed <n>]',
  options: {
    'fail-on': {
      type: 'string',
      default: 'high',
      description:
        'fail on open threats at or above this severity (`none`: only on register problems); per category with `security=` / `privacy=` terms, e.g. `high,privacy=none` or `none,privacy=medium`',
    },
    atlas: {
      type: 'string',
      description: 'an official MITRE ATLAS.yaml to use instead of the bundled catalogue',
    },
    'max-listed': {
      type: 'string',
      default: '20',
      description: 'list at most this many failing threats per model',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length === 0) {
      io.stderr(`mltm check: give at least one model file.\nUsage: ${checkCommand.usage}\n`);
      return EXIT.usage;
    }
    const parsedFailOn = parseFailOn(String(values['fail-on']));
    if (!parsedFailOn.ok) {
      io.stderr(`mltm check: ${inert(parsedFailOn.message)}\n`);
      return EXIT.usage;
    }
    const policy = parsedFailOn.policy;
    const failOnGiven = String(values['fail-on']);
    const failOn = describePolicy(policy);
    const gatesNothing = policy.security === 'none' && policy.privacy === 'none';
    const maxListed = Number(values['max-listed']);
    if (!Number.isInteger(maxListed) || maxListed < 0) {
      io.stderr(
        `mltm check: --max-listed must be a whole number, not \`${String(values['max-listed'])}\`.\n`,
      );
      return EXIT.usage;
    }
    const atlas = await atlasOption(values['atlas'], io);
    if (atlas === false) return EXIT.usage;
    let invalid = 0;
    let failing = 0;
    for (const path of positionals) {
      const loaded = await loadModelContext(path, {
        cwd: io.cwd,
        today: todayIso(io),
        ...(atlas && { atlas }),
      });
      if (loaded.errors) {
        invalid++;
        for (const line of loaded.errors) io.stderr(line + '\n');
        io.stderr(`${path}: invalid input, not checked.\n`);
        continue;
      }
      const c = loaded.context;
      const { session } = c;
      const index = new LineIndex(session.text);
      const register = sessionRegister(session);
      const open = threatsOf(session.analysis).filter(
        (t) => effectiveStatus(t, register) === 'open',
      );
      const over = open
        .filter((t) => failsGate(policy, t))
        .sort(
          (a, b) =>
            SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) ||
            (a.id < b.id ? -1 : 1),
        );
      // Any error in the register fails the gate too: `check` reads the register through the same
      // validation as `sync`, so a register sync refuses to write (an impossible `review_by`,
      // an entry keyed `__proto__`) never passes.
      const registerIssues = registerNotesOf(session, c.display).filter(
        (n) => GATING_REGISTER_CODES.has(n.code) || n.severity === 'error',
      );
      const bySeverity = [...SEVERITY_ORDER]
        .reverse()
        .map((s) => [s, over.filter((t) => t.severity === s).length] as const)
        .filter(([, n]) => n > 0);
      const ok = over.length === 0 && registerIssues.length === 0;
      if (!ok) failing++;
      const parts = [
        gatesNothing
          ? `${plural(open.length, 'open threat')}`
          : `${plural(over.length, 'open threat')} at or above ${failOn}${bySeverity.length > 0 ? ` (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}`,
        plural(registerIssues.length, 'register problem'),
      ];
      // Model and file strings through `inert`: a newline in one cannot forge a PASS line.
      io.stdout(`${ok ? 'PASS' : 'FAIL'} ${inert(c.file)}: ${parts.join('; ')}.\n`);
      for (const t of over.slice(0, maxListed)) {
        const at = index.position(t.range.start);
        io.stdout(
          `  ${t.severity.toUpperCase().padEnd(8)} ${inert(t.id)}  ${inert(t.title)}  ${inert(c.file)}:${at.line}:${at.column}${t.missingControls.length > 0 ? `  missing: ${inert(t.missingControls.join(', '))}` : ''}\n`,
        );
      }
      if (over.length > maxListed)
        io.stdout(
          `  … and ${over.length - maxListed} more (mltm report ${inert(c.file)} lists them all)\n`,
        );
      for (const n of registerIssues)
        io.stdout(
          `  ${inert(n.file)}:${n.line}:${n.column}: ${n.severity} ${n.code} ${inert(n.message)}\n`,
        );
    }
    const checked = positionals.length - invalid;
    io.stdout(
      `mltm check: ${plural(checked, 'model')} checked, ${failing} failing${invalid > 0 ? `, ${invalid} invalid` : ''} (--fail-on ${inert(failOnGiven)}).\n`,
    );
    if (invalid > 0) return EXIT.usage;
    return failing > 0 ? EXIT.findings : EXIT.ok;
  },
};
