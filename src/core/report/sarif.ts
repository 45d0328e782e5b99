/**
 * SARIF 2.1.0 (`mltm report --format sarif`) for code-scanning dashboards (GitHub code scanning
 * and any SARIF viewer). One result per open threat and one per control missing on an element
 * with open threats, each located at the element's id in the YAML; threats the register marks
 * accepted, transferred, not applicable or mitigated are emitted with a `suppressions` entry
 * carrying the justification, so dashboards show them as dismissed with the team's reason.
 * `partialFingerprints` come from the stable threat id, so alerts follow threats across edits.
 * Output is deterministic (no timestamps): the same inputs give the same bytes.
 */
import { jsonRange } from '../contract';
import { pathStatusOf, type AttackPath } from '../decide/index';
import { controlInfo } from '../kb/controls';
import { LineIndex } from '../util/lineIndex';
import { reportDecision } from './decision';
import type { Threat } from '../rules/evaluate';
import type { Severity } from '../rules/types';
import { atlasRef, owaspRef } from './text';
import { buildReportView, type ReportInput, type ReportView, type ThreatRow } from './view';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/mltm-dev/mltm';
const MISSING_CONTROL_RULE = 'missing-control';
/** The fingerprint key; bump the version if what is hashed ever changes. */
export const FINGERPRINT_KEY = 'mltmThreatId/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
/** GitHub's `security-severity` (CVSS-like 0–10) per severity. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: SarifMessage;
  locations: unknown[];
  partialFingerprints: Record<string, string>;
  /** SARIF's priority of a result, 0–100: the threat's risk score (docs/risk.md). */
  rank?: number;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string }[];
  codeFlows?: unknown[];
  properties: Record<string, unknown>;
}

function pascal(id: string): string {
  return id
    .replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, ch: string) => ch.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '');
}

function ruleFor(threat: Threat, view: ReportView): SarifRule {
  const atlas = threat.atlas.map((id) => atlasRef(id, view.input.analysis.atlas));
  const owasp = threat.owasp.map(owaspRef);
  const mitigations = [
    ...threat.mitigations.allOf,
    ...(threat.mitigations.anyOf.length > 0
      ? [`one of ${threat.mitigations.anyOf.join(' | ')}`]
      : []),
  ];
  const refs = [
    ...atlas.map((r) => `${r.id}${r.name ? ` ${r.name}` : ''}${r.url ? ` <${r.url}>` : ''}`),
    ...owasp.map((r) => `${r.id}${r.name ? ` ${r.name}` : ''}${r.url ? ` <${r.url}>` : ''}`),
  ];
  const helpText = [
    threat.description ?? threat.title,
    mitigations.length > 0 ? `Mitigated by: ${mitigations.join(', ')}.` : '',
    threat.detection ? `Detect: ${threat.detection}` : '',
    threat.containment ? `Contain: ${threat.containment}` : '',
    refs.length > 0 ? `References: ${refs.join('; ')}` : '',
  ].filter((s) => s !== '');
  const mdRefs = [...atlas, ...owasp].map((r) =>
    r.url ? `[${r.id}](${r.url})${r.name ? ` ${r.name}` : ''}` : r.id,
  );
  const helpMarkdown = [
    threat.description ?? threat.title,
    mitigations.length > 0 ? `**Mitigated by:** ${mitigations.join(', ')}` : '',
    threat.detection ? `**Detect:** ${threat.detection}` : '',
    threat.containment ? `**Contain:** ${threat.containment}` : '',
    mdRefs.length > 0 ? `**References:** ${mdRefs.join(', ')}` : '',
  ].filter((s) => s !== '');
  const helpUri = atlas.find((r) => r.url)?.url ?? owasp.find((r) => r.url)?.url;
  return {
    id: threat.ruleId,
    name: pascal(threat.ruleId),
    shortDescription: { text: threat.title },
    fullDescription: { text: threat.description ?? threat.title },
    help: { text: helpText.join('\n\n'), markdown: helpMarkdown.join('\n\n') },
    ...(helpUri && { helpUri }),
    defaultConfiguration: { level: LEVEL[threat.baseSeverity] },
    properties: {
      tags: [
        'security',
        'threat-model',
        ...threat.stride.map((l) => `STRIDE-${l}`),
        ...threat.atlas,
        ...threat.owasp,
      ],
      'security-severity': SECURITY_SEVERITY[threat.baseSeverity],
      precision: 'medium',
    },
  };
}

function missingControlRule(): SarifRule {
  return {
    id: MISSING_CONTROL_RULE,
    name: 'MissingControl',
    shortDescription: { text: 'A security control that would mitigate open threats is missing' },
    fullDescription: {
      text: 'The element has open threats that a control of this kind mitigates, and the model does not declare or imply it on the element or where it counts.',
    },
    help: {
      text: 'Add the control to the element (or the flow / neighbour where it counts) in the model, or record a decision on the threats in the threat register.',
      markdown:
        'Add the control under `controls:` of the element (or the flow / neighbour where it counts), or record a decision on the threats in the threat register (`mltm triage`).',
    },
    helpUri: `${INFORMATION_URI}#reports-and-the-ci-gate`,
    defaultConfiguration: { level: 'warning' },
    properties: {
      tags: ['security', 'threat-model', 'missing-control'],
      'security-severity': SECURITY_SEVERITY.medium,
      precision: 'medium',
    },
  };
}

/** The base every relative location names; `originalUriBaseIds` says where it is. */
export const SOURCE_ROOT = '%SRCROOT%';

/**
 * One path segment percent-encoded per RFC 3986: everything but unreserved characters and the
 * sub-delimiters allowed in a path, so `#`, `?`, `%`, spaces, `:` and non-ASCII cannot change what
 * the URI points at (`a#b.mltm.yaml` is not `a` with a fragment).
 */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(2[146-9A-C]|3B|3D|40)/gi, (escape) =>
    String.fromCharCode(parseInt(escape.slice(1), 16)),
  );
}

/** An absolute path (POSIX `/…`, Windows `C:/…` or a UNC `//host/share/…`) as a `file:` URI. */
export function fileUri(path: string): string {
  const slashed = path.split('\\').join('/');
  if (slashed.startsWith('//')) {
    const [host = '', ...rest] = slashed.slice(2).split('/');
    return `file://${encodeSegment(host)}/${rest.map(encodeSegment).join('/')}`;
  }
  const drive = /^([A-Za-z]):\//.exec(slashed);
  const segments = (drive ? slashed.slice(3) : slashed.replace(/^\/+/, '')).split('/');
  return `file:///${drive ? `${drive[1]}:/` : ''}${segments.map(encodeSegment).join('/')}`;
}

/**
 * Where a report's file is, as a SARIF artifact location: a relative path becomes a relative
 * reference against {@link SOURCE_ROOT}, an absolute one (a model outside the working folder) a
 * `file:` URI; both percent-encoded. A bare path with `#` or `?`, or an absolute path without a
 * scheme, is refused by SARIF consumers (Multitool SARIF1004) or points at another file.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const slashed = file.split('\\').join('/');
  if (slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed)) return { uri: fileUri(slashed) };
  return { uri: slashed.split('/').map(encodeSegment).join('/'), uriBaseId: SOURCE_ROOT };
}

function location(artifact: { uri: string; uriBaseId?: string }, row: ThreatRow): unknown {
  return {
    physicalLocation: {
      artifactLocation: artifact,
      region: {
        startLine: row.start.line,
        startColumn: row.start.column,
        endLine: row.end.line,
        endColumn: row.end.column,
      },
    },
  };
}

/** Attack paths shown on one result, riskiest first. */
const CODE_FLOWS_PER_RESULT = 3;

/**
 * Attack paths as SARIF code flows, by the threat they end at: a path is attached to the open
 * threats of its last step that has any (the crown jewel, else the nearest element before it),
 * so a viewer steps through the model from the entry to the jewel.
 */
function codeFlowsByThreat(
  input: ReportInput,
  artifact: { uri: string; uriBaseId?: string },
): Map<string, unknown[]> {
  const byThreat = new Map<string, unknown[]>();
  const paths: readonly AttackPath[] = reportDecision(input)?.paths ?? [];
  if (paths.length === 0) return byThreat;
  const index = new LineIndex(input.text);
  for (const path of paths) {
    const end = [...path.steps].reverse().find((s) => s.threats.length > 0);
    if (!end) continue;
    const decision = path.decision;
    const flow = {
      message: {
        text: `Attack path ${path.id} (${path.kind}): ${path.entry} → ${path.goal} of ${path.target}, risk ${path.risk}${decision ? `; ${decision.status.replace('_', ' ')} in the threat register${decision.needsReview ? ' (needs review)' : ''}` : ''}`,
      },
      // The register's decision on the path (`paths:`) travels with it, so a viewer can tell an
      // accepted path from one still to cut.
      properties: {
        pathId: path.id,
        kind: path.kind,
        goal: path.goal,
        status: pathStatusOf(path),
        ...(decision?.needsReview && { needsReview: true }),
        ...(decision?.justification !== undefined && { justification: decision.justification }),
        ...(decision?.owner !== undefined && { owner: decision.owner }),
      },
      threadFlows: [
        {
          locations: path.steps.map((step) => {
            const r = jsonRange(step.range, index);
            return {
              location: {
                physicalLocation: {
                  artifactLocation: artifact,
                  region: {
                    startLine: r.startLine,
                    startColumn: r.startColumn,
                    endLine: r.endLine,
                    endColumn: r.endColumn,
                  },
                },
                message: {
                  text:
                    step.threats.length > 0
                      ? `${step.elementType} \`${step.element}\`: ${step.threats.join(', ')}`
                      : `${step.elementType} \`${step.element}\``,
                },
              },
            };
          }),
        },
      ],
    };
    for (const id of end.threats) {
      let list = byThreat.get(id);
      if (!list) byThreat.set(id, (list = []));
      if (list.length < CODE_FLOWS_PER_RESULT) list.push(flow);
    }
  }
  return byThreat;
}

const SEVERITY_RANK: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The SARIF log as an object (for callers that embed it), see {@link renderSarif}. */
export function buildSarif(
  input: ReportInput,
  view: ReportView = buildReportView(input),
): Record<string, unknown> {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const indexOf = (id: string, make: () => SarifRule) => {
    let n = ruleIndex.get(id);
    if (n === undefined) {
      n = rules.length;
      rules.push(make());
      ruleIndex.set(id, n);
    }
    return n;
  };
  const results: SarifResult[] = [];
  const uri = artifactLocation(input.file);
  // Missing controls, per element: which open threats each would mitigate, worst severity first.
  const missing = new Map<string, { row: ThreatRow; control: string; threats: Threat[] }>();
  const codeFlows = codeFlowsByThreat(input, uri);
  for (const row of view.rows) {
    const t = row.threat;
    const decided = row.status !== 'open';
    if (decided && row.status === 'mitigated' && !row.entry) continue; // mitigated by the controls in place: not a finding
    const n = indexOf(t.ruleId, () => ruleFor(t, view));
    const where = `${t.elementType} \`${t.element}\``;
    const merged = t.merged ?? [];
    const also =
      merged.length > 0
        ? ` Also covers: ${merged.map((m) => `${m.title} (${m.id})`).join('; ')}.`
        : '';
    const text = `${t.title} on ${where}: ${t.why}${also}${t.missingControls.length > 0 ? ` Missing: ${t.missingControls.join(', ')}.` : ''}`;
    const { risk } = row;
    const result: SarifResult = {
      ruleId: t.ruleId,
      ruleIndex: n,
      level: LEVEL[t.severity],
      message: { text },
      locations: [location(uri, row)],
      partialFingerprints: { [FINGERPRINT_KEY]: t.id },
      ...(risk && { rank: risk.score }),
      // STRIDE, ATLAS and OWASP ids are on the rule (tags), not repeated on every result.
      properties: {
        threatId: t.id,
        ...(merged.length > 0 && { mergedThreatIds: merged.map((m) => m.id) }),
        severity: t.severity,
        status: row.status,
        ...(row.owner && { owner: row.owner }),
        ...(row.change && { change: row.change.kind }),
        ...(risk && {
          risk: {
            likelihood: risk.likelihood,
            impact: risk.impact,
            factors: risk.factors.map((f) => ({ ...f })),
          },
        }),
      },
    };
    if (decided) {
      const justification =
        row.entry?.justification?.trim() ||
        `Marked ${row.status.replace(/_/g, ' ')} in the threat register without a justification.`;
      result.suppressions = [
        {
          kind: 'external',
          status: 'accepted',
          justification: `${row.status.replace(/_/g, ' ')}: ${justification}`,
        },
      ];
    } else {
      const flows = codeFlows.get(t.id);
      if (flows) result.codeFlows = flows;
      for (const control of t.missingControls) {
        const key = `${control}@${t.elementType}:${t.element}`;
        const entry = missing.get(key);
        if (entry) {
          entry.threats.push(t);
          if (SEVERITY_RANK.indexOf(t.severity) > SEVERITY_RANK.indexOf(entry.row.threat.severity))
            entry.row = row;
        } else missing.set(key, { row, control, threats: [t] });
      }
    }
    results.push(result);
  }
  for (const { row, control, threats } of missing.values()) {
    const n = indexOf(MISSING_CONTROL_RULE, missingControlRule);
    const t = row.threat;
    const info = controlInfo(control);
    results.push({
      ruleId: MISSING_CONTROL_RULE,
      ruleIndex: n,
      level: LEVEL[t.severity] === 'error' ? 'warning' : 'note',
      message: {
        text: `Missing control \`${control}\`${info.title !== control ? ` (${info.title})` : ''} on ${t.elementType} \`${t.element}\`; it would mitigate: ${threats.map((x) => `${x.title} (${x.severity})`).join('; ')}. ${info.advice}`,
      },
      locations: [location(uri, row)],
      partialFingerprints: {
        [FINGERPRINT_KEY]: `${MISSING_CONTROL_RULE}:${control}@${t.elementType}:${t.element}`,
      },
      properties: { control, element: t.element, threats: threats.map((x) => x.id) },
    });
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mltm',
            version: input.toolVersion,
            semanticVersion: input.toolVersion,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        automationDetails: { id: `mltm/${input.file.split('\\').join('/')}/` },
        ...(uri.uriBaseId !== undefined &&
          input.baseUri !== undefined && {
            originalUriBaseIds: { [SOURCE_ROOT]: { uri: input.baseUri } },
          }),
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          model: view.modelName,
          modelHash: view.modelHash,
          atlasVersion: view.atlasVersion,
        },
      },
    ],
  };
}

/** The SARIF 2.1.0 log as JSON text. */
export function renderSarif(input: ReportInput, view: ReportView = buildReportView(input)): string {
  return JSON.stringify(buildSarif(input, view), null, 2) + '\n';
}
