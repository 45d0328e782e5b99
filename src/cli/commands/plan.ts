/**
 * `mltm plan <model>`: what to fix first. The fix plan (control additions ranked by the open
 * risk they remove, each step after the previous ones) and the attack paths from entry points to
 * crown jewels, from core's decision layer; text for people, Markdown for a review, JSON (the
 * `mltm-plan/1` contract) for scripts. Honours the register beside the model.
 */
import {
  decide,
  decisionInputOf,
  DEFAULT_PLAN_STEPS,
  type AttackPath,
  type Decision,
} from '../../core/decide/index';
import { planToJson } from '../../core/decide/contract';
import type { Command } from '../command';
import { EXIT } from '../io';
import { sessionRegister } from '../../core/workspace/modelWorkspace';
import { loadModelContext } from '../modelContext';
import { atlasOption } from '../workspace';
import { todayIso } from './sync';

export const planCommand: Command = {
  name: 'plan',
  summary: 'Rank the control additions that remove the most risk, with the attack paths they cut',
  usage: 'mltm plan <model.mltm.yaml> [--format text|json|md] [--top <N>] [--atlas <ATLAS.yaml>]',
  options: {
    format: {
      type: 'string',
      default: 'text',
      description: 'text, md (Markdown) or json (the mltm-plan/1 contract)',
    },
    top: {
      type: 'string',
      default: String(DEFAULT_PLAN_STEPS),
      description: 'how many plan steps to compute and show (1–100)',
    },
    atlas: {
      type: 'string',
      description: 'an official MITRE ATLAS.yaml to use instead of the bundled catalogue',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length !== 1) {
      io.stderr('mltm plan: give exactly one model file.\n');
      return EXIT.usage;
    }
    const format = String(values['format']);
    if (format !== 'text' && format !== 'json' && format !== 'md') {
      io.stderr(`mltm plan: unknown --format \`${format}\`; use text, md or json.\n`);
      return EXIT.usage;
    }
    const topText = String(values['top']);
    const top = /^\d+$/.test(topText) ? Number(topText) : NaN;
    if (!(top >= 1 && top <= 100)) {
      io.stderr(`mltm plan: --top must be a whole number from 1 to 100, not \`${topText}\`.\n`);
      return EXIT.usage;
    }
    const atlas = await atlasOption(values['atlas'], io);
    if (atlas === false) return EXIT.usage;
    const loaded = await loadModelContext(positionals[0] as string, {
      cwd: io.cwd,
      today: todayIso(io),
      ...(atlas && { atlas }),
    });
    if (loaded.errors) {
      for (const line of loaded.errors) io.stderr(line + '\n');
      io.stderr('mltm plan: fix the model above; no plan was made.\n');
      return EXIT.usage;
    }
    const c = loaded.context;
    const { session } = c;
    const analysis = session.analysis;
    const register = sessionRegister(session);
    if (analysis.status !== 'loaded') return EXIT.usage;
    const decision = decide(decisionInputOf(analysis, register), { maxSteps: top });
    if (format === 'json')
      io.stdout(JSON.stringify(planToJson(decision, c.file, session.text), null, 2) + '\n');
    else if (format === 'md')
      io.stdout(formatPlanMarkdown(c.file, analysis.model.name ?? '', decision));
    else io.stdout(formatPlanText(c.file, analysis.model.name ?? '', decision));
    return EXIT.ok;
  },
};

/**
 * The register's decision on a path, as the plan shows it: ` [accepted]`, ` [not applicable,
 * needs review]`; empty for an open path.
 */
function decisionNote(path: AttackPath, lead = ' '): string {
  const d = path.decision;
  if (!d) return '';
  const words = `${d.status.replace('_', ' ')}${d.needsReview ? ', needs review' : ''}`;
  return lead === ' ' ? ` [${words}]` : `${lead}${words}`;
}

const percent = (part: number, whole: number) =>
  whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;

/** The plan for people: steps, then the riskiest attack paths. */
export function formatPlanText(file: string, name: string, decision: Decision): string {
  const { plan, paths } = decision;
  const lines = [`${file} — ${name}`, ''];
  lines.push(
    `Open risk ${plan.totalRisk}; after ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}: ${plan.residualRisk} (−${percent(plan.totalRisk - plan.residualRisk, plan.totalRisk)}).`,
    '',
  );
  if (plan.steps.length === 0)
    lines.push('Nothing to add: no control addition removes open risk.', '');
  for (const s of plan.steps) {
    lines.push(
      `${String(s.rank).padStart(2)}. Add ${s.control} to ${s.elementType} ${s.element}  −${s.riskReduced} risk, closes ${s.closes.length}${s.breaksPaths.length > 0 ? `, cuts ${s.breaksPaths.length} attack path${s.breaksPaths.length === 1 ? '' : 's'}` : ''}`,
    );
    if (s.closes.length > 0) lines.push(`    closes: ${s.closes.join(', ')}`);
  }
  const decided = paths.filter((p) => p.decision !== undefined).length;
  lines.push(
    '',
    `Attack paths (${paths.length}, riskiest first${decided > 0 ? `; ${decided} decided in the register, cut by no step` : ''}):`,
  );
  for (const p of paths.slice(0, 10))
    lines.push(
      `  ${p.id}  ${p.kind} → ${p.goal} of ${p.target}, risk ${p.risk}${decisionNote(p)}: ${p.steps.map((s) => s.element).join(' → ')}`,
    );
  if (paths.length > 10) lines.push(`  … ${paths.length - 10} more (--format json lists them all)`);
  lines.push('');
  return lines.join('\n');
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The plan as Markdown, for a pull request or a review. */
export function formatPlanMarkdown(file: string, name: string, decision: Decision): string {
  const { plan, paths } = decision;
  const lines = [`# Fix plan — ${name.replace(/[\r\n]/g, ' ')}`, '', `Model: ${code(file)}`, ''];
  lines.push(
    `Open risk **${plan.totalRisk}**; after the ${plan.steps.length} steps below: **${plan.residualRisk}** (−${percent(plan.totalRisk - plan.residualRisk, plan.totalRisk)}).`,
    '',
    '| # | Add | To | Risk removed | Closes | Cuts paths |',
    '|--:|-----|----|-------------:|-------:|-----------:|',
  );
  for (const s of plan.steps)
    lines.push(
      `| ${s.rank} | ${code(s.control)} | ${code(s.element)} | ${s.riskReduced} | ${s.closes.length} | ${s.breaksPaths.length} |`,
    );
  lines.push('', '## Attack paths', '');
  for (const p of paths.slice(0, 20))
    lines.push(
      `- ${code(p.id)} (${p.kind}, ${p.goal} of ${code(p.target)}, risk ${p.risk}${decisionNote(p, ', ')}): ${p.steps.map((s) => code(s.element)).join(' → ')}`,
    );
  if (paths.length > 20)
    lines.push(`- … ${paths.length - 20} more (\`--format json\` lists them all)`);
  lines.push('');
  return lines.join('\n');
}
