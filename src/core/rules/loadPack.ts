/**
 * Loading rule packs — the built-in ones and a repository's `.mltm/rules/*.yaml` — through one
 * loader with the same standard as models: located problems, never an exception. Then
 * assembling the active rule set: duplicate ids, `disable` lists, and ATLAS / OWASP ids checked
 * against the catalogue in use (which a user may have replaced with a newer ATLAS release).
 */
import rulesSchema from '../../../schemas/rules.schema.json';
import type { AtlasCatalogue } from '../kb/atlas';
import { OWASP_BY_ID } from '../kb/owasp';
import { sortStride, type StrideLetter } from '../kb/stride';
import { sortLinddun, type LinddunCode } from '../kb/linddun';
import { checkAgainstSchema, type SchemaWording } from '../model/schemaCheck';
import { pointer, readYaml } from '../parse/source';
import { compareProblems, problem, type Problem, type SourceRange } from '../problems';
import { didYouMean } from '../util/suggest';
import {
  WHY_PLACEHOLDER_PATTERN,
  WHY_PLACEHOLDERS,
  type Rule,
  type RulePack,
  type Severity,
} from './types';

export const RULES_FORMAT_VERSION = 1;

/** Problems of one file (a rule pack is never the model file, so problems carry their file). */
export interface FileProblems {
  readonly file: string;
  readonly problems: Problem[];
}

export interface PackLoadResult {
  readonly pack?: RulePack;
  readonly problems: Problem[];
}

const PACK_WORDING: SchemaWording = {
  describe(path) {
    const [section, index, field, ...rest] = path.slice(1).split('/');
    if (!section) return 'the rule pack';
    if (section !== 'rules' || index === undefined) return `\`${section}\``;
    const rule = `rule #${Number(index) + 1}`;
    if (field === undefined) return rule;
    return rest.length > 0
      ? `\`${field}.${rest.join('.')}\` of ${rule}`
      : `\`${field}\` of ${rule}`;
  },
  enumNoun(path) {
    if (/\/(all_of|any_of|model_has_control|model_lacks_control)\/\d+$/.test(path))
      return 'control kind';
    if (/\/(kind|not_kind)\/\d+$/.test(path)) return 'component kind';
    return 'value';
  },
  enumCode(path) {
    if (/\/(all_of|any_of|model_has_control|model_lacks_control)\/\d+$/.test(path))
      return 'MLTM105';
    if (/\/(kind|not_kind)\/\d+$/.test(path)) return 'MLTM104';
    return 'MLTM106';
  },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Parses and validates one rule pack. `file` is how problems and rule origins name it. */
export function loadRulePack(text: string, file: string): PackLoadResult {
  const read = readYaml(text, 'rule pack');
  if (read.value === undefined) return { problems: read.problems.sort(compareProblems) };
  const problems = [...read.problems];
  const root = read.value;
  if (!isRecord(root)) {
    problems.push(
      problem(
        'MLTM011',
        'A rule pack is a YAML mapping that starts with `mltm-rules: 1`.',
        read.sourceMap.get('')?.value ?? { start: 0, end: 0 },
      ),
    );
    return { problems };
  }
  const version = root['mltm-rules'];
  if (version !== RULES_FORMAT_VERSION) {
    const range = read.sourceMap.get('/mltm-rules')?.value ?? { start: 0, end: 0 };
    const message =
      version === undefined
        ? 'The rule pack does not say its format version; add `mltm-rules: 1` as the first line.'
        : typeof version === 'number' && version > RULES_FORMAT_VERSION
          ? `This rule pack uses format version ${version}; this mltm reads version ${RULES_FORMAT_VERSION}. Update mltm to read it.`
          : `Unsupported rule-pack format version ${JSON.stringify(version)}; the only version is ${RULES_FORMAT_VERSION}.`;
    problems.push(problem('MLTM008', message, range));
    return { problems: problems.sort(compareProblems) };
  }
  const schemaProblems = explainConditionProblems(
    checkAgainstSchema(root, rulesSchema as Record<string, unknown>, read.sourceMap, PACK_WORDING),
    root,
  );
  problems.push(...schemaProblems);
  const badRules = new Set(
    schemaProblems
      .filter((p) => p.severity === 'error')
      .map((p) => ruleIndexAt(read.sourceMap, p.range))
      .filter((i) => i >= 0),
  );

  const packInfo = isRecord(root['pack']) ? root['pack'] : {};
  const packId = typeof packInfo['id'] === 'string' ? packInfo['id'] : file;
  const rules: Rule[] = [];
  (Array.isArray(root['rules']) ? root['rules'] : []).forEach((raw, index) => {
    // A rule with a schema error is left out, so it can neither fire wrongly nor crash the engine.
    if (!isRecord(raw) || badRules.has(index)) return;
    const path = pointer('rules', index);
    const mitigations = isRecord(raw['mitigations']) ? raw['mitigations'] : {};
    rules.push({
      id: String(raw['id']),
      title: String(raw['title']),
      ...(typeof raw['description'] === 'string' && { description: raw['description'] }),
      element: raw['element'] === 'flow' ? 'flow' : 'component',
      when: (isRecord(raw['when']) ? raw['when'] : {}) as never,
      category:
        raw['category'] === 'stride' ? 'stride' : raw['category'] === 'privacy' ? 'privacy' : 'ml',
      stride: sortStride(strings(raw['stride']) as StrideLetter[]),
      linddun: sortLinddun(strings(raw['linddun']) as LinddunCode[]),
      atlas: strings(raw['atlas']),
      owasp: strings(raw['owasp']),
      severity: raw['severity'] as Severity,
      adjustSeverity: raw['adjust_severity'] !== false,
      mitigations: {
        ...(Array.isArray(mitigations['all_of']) && { all_of: strings(mitigations['all_of']) }),
        ...(Array.isArray(mitigations['any_of']) && { any_of: strings(mitigations['any_of']) }),
      },
      ...(typeof raw['why'] === 'string' && { why: raw['why'] }),
      ...(typeof raw['detection'] === 'string' && { detection: raw['detection'] }),
      ...(typeof raw['containment'] === 'string' && { containment: raw['containment'] }),
      references: strings(raw['references']),
      covers: strings(raw['covers']),
      coversRanges: strings(raw['covers']).map(
        (_, i) =>
          read.sourceMap.get(`${path}/covers/${i}`)?.value ??
          read.sourceMap.get(path)?.value ?? { start: 0, end: 0 },
      ),
      origin: {
        pack: packId,
        file,
        range: read.sourceMap.get(`${path}/id`)?.value ??
          read.sourceMap.get(path)?.value ?? { start: 0, end: 0 },
      },
    } as Rule);
    const rule = rules[rules.length - 1] as Rule;
    // A rule must say what kind of threat it is: STRIDE letters for security, LINDDUN codes for
    // privacy. Left out otherwise, like a rule with a schema error.
    const lacks =
      rule.category === 'privacy'
        ? rule.linddun.length === 0 &&
          'a `category: privacy` rule needs at least one LINDDUN code in `linddun` (L, I, Nr, D, DD, U, Nc)'
        : rule.stride.length === 0 &&
          'a security rule needs at least one STRIDE letter in `stride` (S, T, R, I, D, E)';
    if (lacks) {
      problems.push(
        problem(
          'MLTM220',
          `Rule \`${rule.id}\` names no threat category: ${lacks}. The rule is left out.`,
          read.sourceMap.get(`${path}/${rule.category === 'privacy' ? 'category' : 'stride'}`)
            ?.value ?? rule.origin.range,
        ),
      );
      rules.pop();
      return;
    }
    // `why` placeholders: only the element type's own resolve; anything else is reported here.
    const unknown =
      rule.why === undefined
        ? []
        : [
            ...new Set([...rule.why.matchAll(WHY_PLACEHOLDER_PATTERN)].map((m) => m[1] ?? '')),
          ].filter((key) => !WHY_PLACEHOLDERS[rule.element].has(key));
    if (unknown.length > 0)
      problems.push(
        problem(
          'MLTM407',
          `The \`why\` of rule \`${rule.id}\` uses ${unknown.map((key) => `\`{${key}}\``).join(', ')}, which ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'} of ${rule.element} rules (${[...WHY_PLACEHOLDERS[rule.element]].map((key) => `{${key}}`).join(', ')}); ${unknown.length === 1 ? 'it is' : 'they are'} shown as written.`,
          read.sourceMap.get(`${path}/why`)?.value ?? rule.origin.range,
        ),
      );
  });
  const disable = strings(root['disable']).map((id, index) => ({
    id,
    range: read.sourceMap.get(`/disable/${index}`)?.value ?? { start: 0, end: 0 },
  }));
  const pack: RulePack = {
    id: packId,
    name: typeof packInfo['name'] === 'string' ? packInfo['name'] : packId,
    ...(typeof packInfo['version'] === 'string' && { version: packInfo['version'] }),
    file,
    rules,
    disable,
  };
  return { pack, problems: problems.sort(compareProblems) };

  function ruleIndexAt(sourceMap: typeof read.sourceMap, range: SourceRange): number {
    for (let index = 0; ; index++) {
      const entry = sourceMap.get(`/rules/${index}`);
      if (!entry) return -1;
      if (range.start >= entry.value.start && range.start <= entry.value.end) return index;
    }
  }
}

const definitions = (
  rulesSchema as { definitions: Record<string, { properties?: Record<string, unknown> }> }
).definitions;
/** Conditions whose value is itself a condition on one component. */
const END_CONDITIONS = new Set([
  'from',
  'to',
  'inbound_from',
  'outbound_to',
  'no_inbound_from',
  'no_outbound_to',
  'downstream_of',
  'not_downstream_of',
  'upstream_of',
  'receives_content_from',
]);
const UNKNOWN_CONDITION =
  /^Unknown property `(.+?)` on `when(?:\.([a-z0-9_.]+))?` of rule #(\d+)\. Allowed: {2}\(/;

/**
 * The schema picks the conditions of `when` by the rule's `element` (if/then), which the generic
 * schema wording cannot see through: it reports a bare "must match then schema" and an unknown
 * condition with an empty list of allowed ones. This names the allowed conditions (with a "did you
 * mean") and drops the if/then noise when a more precise problem explains it.
 */
function explainConditionProblems(problems: Problem[], root: Record<string, unknown>): Problem[] {
  const rules = Array.isArray(root['rules']) ? root['rules'] : [];
  const explained = problems.map((p) => {
    const match = UNKNOWN_CONDITION.exec(p.message);
    if (!match) return p;
    const [, extra = '', nested, index] = match;
    const rule = rules[Number(index) - 1];
    let definition = isRecord(rule) && rule['element'] === 'flow' ? 'flowMatch' : 'componentMatch';
    for (const segment of nested ? nested.split('.') : [])
      definition = END_CONDITIONS.has(segment)
        ? 'endMatch'
        : segment === 'data_classification'
          ? 'classificationCondition'
          : definition;
    const allowed = Object.keys(definitions[definition]?.properties ?? {});
    const suggestion = didYouMean(extra, allowed);
    const where = `\`when${nested ? `.${nested}` : ''}\` of rule #${index}`;
    return problem(
      'MLTM102',
      `Unknown condition \`${extra}\` on ${where}${suggestion ? `; did you mean \`${suggestion}\`?` : `. Allowed: ${allowed.join(', ')}.`}`,
      p.range,
      suggestion
        ? { fix: { range: p.range, replacement: suggestion, title: `Change to \`${suggestion}\`` } }
        : {},
    );
  });
  const precise = (p: Problem) => !/must match "(then|else)" schema\.$/.test(p.message);
  return explained.filter(
    (p) =>
      precise(p) ||
      !explained.some(
        (other) =>
          other !== p &&
          precise(other) &&
          other.severity === 'error' &&
          other.range.start >= p.range.start &&
          other.range.end <= p.range.end,
      ),
  );
}

export interface RuleSet {
  /** Active rules in a deterministic order (by id). */
  readonly rules: readonly Rule[];
  /** Rules switched off, with the pack that did it. */
  readonly disabled: readonly { readonly id: string; readonly by: string }[];
  readonly problems: readonly FileProblems[];
}

/**
 * Combines packs into the active rule set. Later packs may not redefine an id (an error: ids
 * are the threats' identity); `disable` lists switch rules off whatever pack defined them.
 * ATLAS ids unknown to the catalogue in use are reported with a suggestion and dropped from
 * the rule, which still fires.
 */
export function assembleRuleSet(packs: readonly RulePack[], catalogue: AtlasCatalogue): RuleSet {
  const problemsByFile = new Map<string, Problem[]>();
  const report = (file: string, p: Problem) => {
    const list = problemsByFile.get(file) ?? [];
    list.push(p);
    problemsByFile.set(file, list);
  };
  const byId = new Map<string, Rule>();
  for (const pack of packs) {
    for (const rule of pack.rules) {
      const earlier = byId.get(rule.id);
      if (earlier) {
        report(
          rule.origin.file,
          problem(
            'MLTM402',
            `Rule id \`${rule.id}\` is already defined in ${earlier.origin.file === rule.origin.file ? 'this pack' : `\`${earlier.origin.file}\``}; rule ids must be unique (use \`disable\` to replace a built-in rule).`,
            rule.origin.range,
            earlier.origin.file === rule.origin.file
              ? { related: [{ message: 'First defined here', range: earlier.origin.range }] }
              : {},
          ),
        );
        continue;
      }
      const atlas = rule.atlas.filter((id) => {
        if (catalogue.hasId(id)) return true;
        const suggestion = catalogue.suggest(id);
        report(
          rule.origin.file,
          problem(
            'MLTM403',
            `Rule \`${rule.id}\` cites ATLAS id \`${id}\`, which ATLAS ${catalogue.version} does not have${suggestion ? `; did you mean \`${suggestion}\`?` : '.'} The id is left out.`,
            rule.origin.range,
          ),
        );
        return false;
      });
      const owasp = rule.owasp.filter((id) => {
        if (OWASP_BY_ID.has(id)) return true;
        report(
          rule.origin.file,
          problem(
            'MLTM405',
            `Rule \`${rule.id}\` cites unknown OWASP id \`${id}\`.`,
            rule.origin.range,
          ),
        );
        return false;
      });
      byId.set(
        rule.id,
        atlas.length === rule.atlas.length && owasp.length === rule.owasp.length
          ? rule
          : { ...rule, atlas, owasp },
      );
    }
  }
  const disabled: { id: string; by: string }[] = [];
  for (const pack of packs) {
    for (const entry of pack.disable) {
      if (byId.delete(entry.id)) disabled.push({ id: entry.id, by: pack.file });
      else if (!disabled.some((d) => d.id === entry.id)) {
        const suggestion = didYouMean(entry.id, [...byId.keys()]);
        report(
          pack.file,
          problem(
            'MLTM404',
            `\`disable\` names rule \`${entry.id}\`, which no pack defines${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`,
            entry.range,
          ),
        );
      }
    }
  }
  // `covers` entries that name no active rule, or one of the other element type, cannot merge
  // anything: reported and dropped, so the engine only ever merges same-element threats.
  for (const [id, rule] of byId) {
    if (rule.covers.length === 0) continue;
    const keep: string[] = [];
    const keepRanges: SourceRange[] = [];
    rule.covers.forEach((coveredId, i) => {
      const covered = byId.get(coveredId);
      const range = rule.coversRanges[i] ?? rule.origin.range;
      if (covered && covered.element === rule.element && coveredId !== id) {
        keep.push(coveredId);
        keepRanges.push(range);
        return;
      }
      const suggestion = covered ? undefined : didYouMean(coveredId, [...byId.keys()]);
      report(
        rule.origin.file,
        problem(
          'MLTM514',
          coveredId === id
            ? `Rule \`${id}\` lists itself in \`covers\`; the entry is ignored.`
            : covered
              ? `Rule \`${id}\` (a ${rule.element} rule) covers \`${coveredId}\`, a ${covered.element} rule: only threats on the same element can merge, so the entry is ignored.`
              : disabled.some((d) => d.id === coveredId)
                ? `Rule \`${id}\` covers \`${coveredId}\`, which is disabled; the entry has no effect.`
                : `Rule \`${id}\` covers \`${coveredId}\`, which no pack defines${suggestion ? `; did you mean \`${suggestion}\`?` : '.'} The entry is ignored.`,
          range,
        ),
      );
    });
    if (keep.length !== rule.covers.length)
      byId.set(id, { ...rule, covers: keep, coversRanges: keepRanges });
  }
  const rules = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    rules,
    disabled,
    problems: [...problemsByFile].map(([file, problems]) => ({
      file,
      problems: problems.sort(compareProblems),
    })),
  };
}
