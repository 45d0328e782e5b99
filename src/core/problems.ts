/**
 * Problems: every finding about the user's files that is not a threat — syntax errors, schema
 * violations, semantic mistakes, register and rule-pack issues. Each has a stable code (users
 * search for it, suppress it, link to its documentation), a severity, a human message and an
 * offset range into the file it concerns.
 */
import { inert } from './util/inert';

/** A half-open range of UTF-16 offsets into a source text: `[start, end)`. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Another place that helps explain a problem (the other duplicate, the cycle's members, ...). */
export interface RelatedLocation {
  readonly message: string;
  readonly range: SourceRange;
  /** Set when the place is in another file than the problem. */
  readonly file?: string;
}

export interface Problem {
  /** Stable code such as `MLTM201`; see {@link PROBLEM_CODES}. */
  readonly code: ProblemCode;
  readonly severity: ProblemSeverity;
  /** One sentence a person understands: what is wrong and, when obvious, how to fix it. */
  readonly message: string;
  readonly range: SourceRange;
  /** A replacement that fixes the problem, when there is an obvious one (did-you-mean). */
  readonly fix?: {
    readonly range: SourceRange;
    readonly replacement: string;
    readonly title: string;
  };
  readonly related?: readonly RelatedLocation[];
}

/** The catalogue of problem codes: title (for docs) and default severity. Codes never change meaning. */
export const PROBLEM_CODES = {
  // Reading the file
  MLTM001: { title: 'YAML syntax error', severity: 'error' },
  MLTM002: { title: 'Duplicate key', severity: 'error' },
  MLTM003: { title: 'Too many aliases (alias bomb)', severity: 'error' },
  MLTM004: { title: 'Merge-conflict markers', severity: 'error' },
  MLTM005: { title: 'Not a UTF-8 text file', severity: 'error' },
  MLTM006: { title: 'Empty file', severity: 'error' },
  MLTM007: { title: 'File too large', severity: 'error' },
  MLTM008: { title: 'Unsupported format version', severity: 'error' },
  MLTM009: { title: 'Nesting too deep', severity: 'error' },
  MLTM010: { title: 'More than one YAML document', severity: 'error' },
  MLTM011: { title: 'Not a mapping', severity: 'error' },
  MLTM012: { title: 'Not a file (a folder)', severity: 'error' },
  MLTM013: { title: 'Not a regular file', severity: 'error' },
  MLTM014: { title: 'YAML version other than 1.2', severity: 'error' },
  // Schema
  MLTM101: { title: 'Missing required property', severity: 'error' },
  MLTM102: { title: 'Unknown property', severity: 'error' },
  MLTM103: { title: 'Wrong type', severity: 'error' },
  MLTM104: { title: 'Unknown component kind', severity: 'error' },
  MLTM105: { title: 'Unknown control kind', severity: 'error' },
  MLTM106: { title: 'Value not allowed', severity: 'error' },
  MLTM107: { title: 'Invalid id', severity: 'error' },
  MLTM108: { title: 'Duplicate list item', severity: 'warning' },
  MLTM109: { title: 'Invalid value', severity: 'error' },
  // Semantics
  MLTM201: { title: 'Unknown component', severity: 'error' },
  MLTM202: { title: 'Unknown boundary', severity: 'error' },
  MLTM203: { title: 'Unknown data id', severity: 'error' },
  MLTM204: { title: 'Boundary nesting cycle', severity: 'error' },
  MLTM205: { title: 'Duplicate flow id', severity: 'error' },
  MLTM206: { title: 'Self-loop', severity: 'error' },
  MLTM207: { title: 'Unconnected component', severity: 'warning' },
  MLTM208: { title: 'Id used by a component and a flow', severity: 'error' },
  MLTM209: { title: 'Control on an external entity', severity: 'warning' },
  MLTM210: { title: 'Reverse of a bidirectional flow', severity: 'info' },
  MLTM211: { title: 'Unused definition', severity: 'info' },
  MLTM212: { title: 'Crown jewel nobody holds', severity: 'warning' },
  MLTM213: { title: 'Boundaries nest too deeply', severity: 'error' },
  MLTM220: { title: 'Rule without threat categories', severity: 'error' },
  // Register
  MLTM301: { title: 'Decision without justification', severity: 'warning' },
  MLTM302: { title: 'Expired decision', severity: 'warning' },
  MLTM303: { title: 'Decision needs review', severity: 'warning' },
  MLTM304: { title: 'Stale register entry', severity: 'info' },
  MLTM305: { title: 'Register entry for an unknown rule', severity: 'warning' },
  MLTM306: { title: 'Register entry for an unknown element', severity: 'warning' },
  MLTM307: { title: 'Register belongs to another model', severity: 'error' },
  MLTM308: { title: 'Machine field edited by hand', severity: 'warning' },
  MLTM309: { title: 'Sync would mark most of the register stale', severity: 'error' },
  MLTM310: { title: 'Register not written', severity: 'error' },
  MLTM311: { title: 'Register entry for an unknown attack path', severity: 'warning' },
  // Rule packs
  MLTM402: { title: 'Duplicate rule id', severity: 'error' },
  MLTM403: { title: 'Unknown ATLAS id', severity: 'warning' },
  MLTM404: { title: 'Disabled rule does not exist', severity: 'warning' },
  MLTM405: { title: 'Unknown OWASP id', severity: 'warning' },
  MLTM406: { title: 'ATLAS data could not be loaded', severity: 'error' },
  MLTM407: { title: "Unknown placeholder in a rule's why", severity: 'warning' },
  // Importing evidence files and drift against them
  MLTM501: { title: 'Evidence file skipped', severity: 'warning' },
  MLTM502: { title: 'No supported file', severity: 'error' },
  MLTM503: { title: 'Literal secret in a configuration file', severity: 'warning' },
  MLTM504: { title: 'Not pinned', severity: 'info' },
  MLTM505: { title: 'Policy proves no control', severity: 'info' },
  MLTM506: { title: 'Unexpected shape in a recognised file', severity: 'warning' },
  MLTM510: { title: 'Control contradicted by a file', severity: 'error' },
  MLTM511: { title: 'Element missing from the model', severity: 'warning' },
  MLTM512: { title: 'Source of a model element no longer exists', severity: 'warning' },
  MLTM513: { title: 'Claimed control no longer proven', severity: 'warning' },
  MLTM520: { title: 'Drift not checked: too much evidence', severity: 'warning' },
  MLTM521: { title: 'Imported decision not written to the register', severity: 'warning' },
  // Rule packs: duplicates merged by `covers`
  MLTM514: {
    title: 'Covered rule does not exist or is of another element type',
    severity: 'warning',
  },
} as const satisfies Record<string, { title: string; severity: ProblemSeverity }>;

export type ProblemCode = keyof typeof PROBLEM_CODES | `MLTM${number}`;

/** Documentation link for a problem code (the extension uses it as the diagnostic's `code.target`). */
export function problemDocsUrl(code: string): string {
  return `https://github.com/mltm-dev/mltm/blob/main/docs/problems.md#${code.toLowerCase()}`;
}

/** Documentation link for a threat rule id (the extension uses it as a threat diagnostic's `code.target`). */
export function ruleDocsUrl(ruleId: string): string {
  return `https://github.com/mltm-dev/mltm/blob/main/docs/rules.md#${ruleId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

/**
 * Builds a problem with the code's default severity unless one is given. The message is made
 * inert (control characters written visibly): it quotes what the file says, and a name holding
 * a newline and `::error …` must not become a second line in a terminal or a CI log.
 */
export function problem(
  code: keyof typeof PROBLEM_CODES,
  message: string,
  range: SourceRange,
  extra: Partial<Pick<Problem, 'severity' | 'fix' | 'related'>> = {},
): Problem {
  return {
    code,
    severity: extra.severity ?? PROBLEM_CODES[code].severity,
    message: inert(message),
    range,
    ...extra,
    ...(extra.related && {
      related: extra.related.map((r) => ({ ...r, message: inert(r.message) })),
    }),
  };
}

/** Orders problems by position, then code, so every output is deterministic. */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    a.range.start - b.range.start ||
    a.range.end - b.range.end ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  );
}
