/**
 * The CI gate's policy (`mltm check --fail-on`, the GitHub Action's `fail-on`): which open
 * threats fail the gate, by severity and by category. One parser and one test for the CLI and
 * the Action, so both read the flag the same way.
 *
 * Syntax: a comma-separated list of terms, each a severity (`critical`, `high`, `medium`, `low`,
 * `info`, `none`) or `<category>=<severity>`, with categories `security` (STRIDE and ML threats)
 * and `privacy` (LINDDUN threats). A bare severity applies to every category not named; without
 * one, unnamed categories use the default, `high`. `none` gates nothing in that category (only
 * register problems fail). So `high` is the old syntax and means every category at high;
 * `high,privacy=none` leaves privacy threats out; `none,privacy=medium` gates only privacy
 * threats, at medium; `privacy=low` keeps security at high and gates privacy at low.
 */
import { SEVERITY_ORDER, type Severity } from './rules/types';

export type GateCategory = 'security' | 'privacy';
export const GATE_CATEGORIES: readonly GateCategory[] = ['security', 'privacy'];
export type GateSeverity = Severity | 'none';
export const GATE_SEVERITIES: readonly GateSeverity[] = [...SEVERITY_ORDER, 'none'];
export const DEFAULT_FAIL_ON: GateSeverity = 'high';

/** The lowest severity that fails the gate, per category (`none`: nothing does). */
export type GatePolicy = Readonly<Record<GateCategory, GateSeverity>>;

export type GateParse =
  | { readonly ok: true; readonly policy: GatePolicy }
  | { readonly ok: false; readonly message: string };

const isSeverity = (s: string): s is GateSeverity => (GATE_SEVERITIES as string[]).includes(s);
const isCategory = (s: string): s is GateCategory => (GATE_CATEGORIES as string[]).includes(s);

/** Reads a `--fail-on` value; the message says what is wrong and what is allowed. */
export function parseFailOn(text: string): GateParse {
  const terms = text.split(',').map((t) => t.trim());
  let fallback: GateSeverity | undefined;
  const named: Partial<Record<GateCategory, GateSeverity>> = {};
  const allowed = `${GATE_SEVERITIES.join(', ')}, or <category>=<severity> terms with category ${GATE_CATEGORIES.join(' or ')}, separated by commas`;
  for (const term of terms) {
    if (term === '')
      return { ok: false, message: `empty term in --fail-on \`${text}\`; use ${allowed}.` };
    const eq = term.indexOf('=');
    if (eq < 0) {
      if (!isSeverity(term))
        return { ok: false, message: `unknown --fail-on \`${term}\`; use ${allowed}.` };
      if (fallback !== undefined && fallback !== term)
        return {
          ok: false,
          message: `--fail-on gives two severities for every category (\`${fallback}\`, \`${term}\`); give one, and name categories with <category>=<severity>.`,
        };
      fallback = term;
      continue;
    }
    const category = term.slice(0, eq).trim();
    const severity = term.slice(eq + 1).trim();
    if (!isCategory(category))
      return {
        ok: false,
        message: `unknown category \`${category}\` in --fail-on \`${term}\`; use ${GATE_CATEGORIES.join(' or ')}.`,
      };
    if (!isSeverity(severity))
      return {
        ok: false,
        message: `unknown severity \`${severity}\` in --fail-on \`${term}\`; use ${GATE_SEVERITIES.join(', ')}.`,
      };
    if (named[category] !== undefined && named[category] !== severity)
      return { ok: false, message: `--fail-on gives category \`${category}\` twice.` };
    named[category] = severity;
  }
  const rest = fallback ?? DEFAULT_FAIL_ON;
  return {
    ok: true,
    policy: { security: named.security ?? rest, privacy: named.privacy ?? rest },
  };
}

/** The gate category of a threat category. */
export const gateCategoryOf = (category: string): GateCategory =>
  category === 'privacy' ? 'privacy' : 'security';

/**
 * How a threat's category reads where STRIDE letters are shown (register view, diagram): its gate
 * category, and for privacy threats their LINDDUN codes, e.g. `privacy (LINDDUN I, DD)`.
 */
export function categoryLabel(threat: {
  readonly category: string;
  readonly linddun: readonly string[];
}): string {
  const category = gateCategoryOf(threat.category);
  return category === 'privacy' && threat.linddun.length > 0
    ? `privacy (LINDDUN ${threat.linddun.join(', ')})`
    : category;
}

/** Whether an open threat of this category and severity fails the gate. */
export function failsGate(
  policy: GatePolicy,
  threat: { readonly category: string; readonly severity: Severity },
): boolean {
  const floor = policy[gateCategoryOf(threat.category)];
  return (
    floor !== 'none' && SEVERITY_ORDER.indexOf(threat.severity) >= SEVERITY_ORDER.indexOf(floor)
  );
}

/** The policy in words, for the CLI's summary: `high`, or `security high, privacy none`. */
export function describePolicy(policy: GatePolicy): string {
  return policy.security === policy.privacy
    ? policy.security
    : GATE_CATEGORIES.map((c) => `${c} ${policy[c]}`).join(', ');
}
