/**
 * The OTM report (`mltm report --format otm`): the model and its threats as Open Threat Model
 * 0.2.0 JSON, for IriusRisk and other OTM tools. Boundaries → trust zones (plus one implicit
 * trusted zone for components outside every boundary), components, flows → dataflows, data →
 * assets, threats with their register state (`state` is the effective status a report shows)
 * and the controls that mitigate them → mitigations. Everything OTM has no field for (kinds,
 * tech, controls, exposure, flow protocol, the register decision) is in `attributes` under
 * `mltm…` keys, so `mltm import` of the file gives the model back with every id, and its
 * register's decisions with it (`mltmDecision`: the entry's human fields as written).
 */
import { CONTROLS } from '../kb/controls';
import { STRIDE_BY_LETTER } from '../kb/stride';
import {
  CONFIDENTIALITY,
  IMPLICIT_ZONE_ID,
  OTM_VERSION,
  TRUST_RATING,
  type OtmComponent,
  type OtmDataflow,
  type OtmDocument,
  type OtmMitigation,
  type OtmThreat,
  type OtmThreatInstance,
} from '../otm/types';
import type { ReportView, ThreatRow } from './view';

const IMPACT = { critical: 100, high: 75, medium: 50, low: 25, info: 0 } as const;

function projectId(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id === '' ? 'model' : id;
}

/** Removes `undefined` values so the JSON holds only what is known. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The threat's register entry as people wrote it (status and the other human fields, by their
 * register keys), so `mltm import` of the file writes the same decisions into a register.
 * Absent without an entry, or for an entry that records nothing (open, no field set).
 */
function decisionOf(row: ThreatRow): Record<string, string> | undefined {
  const e = row.entry;
  if (!e) return undefined;
  const fields = defined({
    owner: e.owner,
    justification: e.justification,
    ticket: e.ticket,
    review_by: e.reviewBy,
    notes: e.notes,
  }) as Record<string, string>;
  if (e.status === 'open' && Object.keys(fields).length === 0) return undefined;
  return { status: e.status, ...fields };
}

export function renderOtm(view: ReportView): string {
  const model = view.input.analysis.model;
  const rows = view.rows;
  const byElement = new Map<string, ThreatRow[]>();
  for (const row of rows) {
    const list = byElement.get(row.threat.element) ?? [];
    list.push(row);
    byElement.set(row.threat.element, list);
  }
  const instances = (element: string): OtmThreatInstance[] =>
    (byElement.get(element) ?? []).map((row) => ({
      threat: row.threat.id,
      state: row.status,
      mitigations: [
        ...row.threat.mitigatedBy.map((m) => ({ mitigation: m.control, state: 'implemented' })),
        ...row.threat.missingControls.map((control) => ({
          mitigation: control,
          state: 'required',
        })),
      ],
    }));
  const usedControls = new Set<string>();
  for (const row of rows) {
    for (const m of row.threat.mitigatedBy) usedControls.add(m.control);
    for (const c of row.threat.missingControls) usedControls.add(c);
  }
  const boundaries = model?.boundaries ?? [];
  const components = model?.components ?? [];
  const needsImplicit = components.some((c) => c.boundary === undefined);
  const document: OtmDocument = {
    otmVersion: OTM_VERSION,
    project: defined({
      name: view.modelName,
      id: projectId(view.modelName),
      description: model?.description,
      attributes: {
        mltmFormat: 1,
        mltmModelFile: view.input.file,
        mltmModelHash: view.modelHash,
        mltmGeneratedAt: view.input.generatedAt,
        mltmTool: `mltm ${view.input.toolVersion}`,
        mltmAtlasVersion: view.atlasVersion,
      },
    }),
    trustZones: [
      ...boundaries.map((b) =>
        defined({
          id: b.id,
          name: b.name,
          type: b.trust,
          description: b.description,
          risk: { trustRating: TRUST_RATING[b.trust] },
          ...(b.parent !== undefined && { parent: { trustZone: b.parent } }),
          attributes: { mltmTrust: b.trust },
        }),
      ),
      ...(needsImplicit
        ? [
            {
              id: IMPLICIT_ZONE_ID,
              name: 'Implicit trusted zone',
              type: 'trusted',
              description: 'Components outside every boundary of the mltm model.',
              risk: { trustRating: TRUST_RATING.trusted },
              attributes: { mltmImplicit: true },
            },
          ]
        : []),
    ],
    components: components.map((c): OtmComponent =>
      defined({
        id: c.id,
        name: c.name,
        type: c.kind,
        description: c.description,
        parent: { trustZone: c.boundary ?? IMPLICIT_ZONE_ID },
        ...(c.data.length > 0 && { assets: { processed: [...c.data] } }),
        tags: [...c.controls],
        threats: instances(c.id),
        attributes: defined({
          mltmKind: c.kind,
          mltmTech: c.tech,
          mltmExposure: c.exposure,
          mltmOwner: c.owner,
          mltmControls: [...c.controls],
        }),
      }),
    ),
    dataflows: (model?.flows ?? []).map((f): OtmDataflow =>
      defined({
        id: f.id,
        name: f.name ?? f.id,
        description: f.description,
        bidirectional: f.bidirectional,
        source: f.from,
        destination: f.to,
        assets: [...f.data],
        tags: [...f.controls],
        threats: instances(f.id),
        attributes: defined({
          mltmIdExplicit: f.idExplicit,
          mltmProtocol: f.protocol,
          mltmControls: [...f.controls],
        }),
      }),
    ),
    assets: (model?.data ?? []).map((d) =>
      defined({
        id: d.id,
        name: d.name,
        description: d.description,
        risk: {
          confidentiality: CONFIDENTIALITY[d.classification],
          integrity: d.kind === 'model' || d.kind === 'training_data' ? 100 : 50,
          availability: 50,
          comment: `mltm classification ${d.classification}`,
        },
        attributes: defined({
          mltmClassification: d.classification,
          mltmKind: d.kind,
          mltmPii: d.pii,
        }),
      }),
    ),
    threats: rows.map((row): OtmThreat =>
      defined({
        id: row.threat.id,
        name: row.threat.title,
        description: row.threat.description ?? row.threat.why,
        categories: row.threat.stride.map((l) => STRIDE_BY_LETTER.get(l)?.name ?? l),
        cwes: [],
        risk: { likelihood: null, impact: IMPACT[row.threat.severity] },
        tags: [...row.threat.atlas, ...row.threat.owasp],
        attributes: defined({
          mltmRule: row.threat.ruleId,
          mltmElement: row.threat.element,
          mltmSeverity: row.threat.severity,
          mltmStatus: row.status,
          mltmAtlas: [...row.threat.atlas],
          mltmOwasp: [...row.threat.owasp],
          mltmMissingControls: [...row.threat.missingControls],
          mltmOwner: row.owner,
          mltmJustification: row.entry?.justification,
          mltmTicket: row.entry?.ticket,
          mltmReviewBy: row.entry?.reviewBy,
          mltmDecision: decisionOf(row),
        }),
      }),
    ),
    mitigations: CONTROLS.filter((c) => usedControls.has(c.id)).map((c): OtmMitigation => ({
      id: c.id,
      name: c.title,
      description: c.advice,
      riskReduction: 50,
      attributes: { mltmControl: c.id, mltmPlacement: c.placement },
    })),
  };
  return JSON.stringify(document, null, 2) + '\n';
}
