/**
 * Open Threat Model (OTM) files, JSON or YAML (`otmVersion` + `project`), read into a model:
 * trust zones → boundaries (trust from mltm's `mltmTrust` attribute, else from `trustRating`),
 * components (kind from `mltmKind`, else the OTM `type` when it is an mltm kind, else `x-<type>`;
 * controls from `mltmControls`), dataflows → flows with their ids, assets → data (classification
 * from `mltmClassification`, else from confidentiality). Ids are kept as they are, so a model
 * exported with `mltm report --format otm` and imported again has the same threat ids; the
 * threats' recorded decisions (`mltmDecision`: status, owner, justification, ticket, review_by,
 * notes as the register has them) become `draft.decisions`, which `registerFromDecisions`
 * (importRegister.ts) writes into the register beside the draft. Controls come from the file's own claims, marked by their
 * source line like every other importer's.
 */
import { COMPONENT_KINDS, CONTROL_KINDS, DATA_KINDS } from '../model/vocabulary';
import { classificationFromConfidentiality, IMPLICIT_ZONE_ID, trustFromRating } from '../otm/types';
import { decisionFieldsOf } from '../register/register';
import type { DraftComponent } from './draft';
import { asArray, asRecord, asString, isRecord } from './evidence';
import type { FormatImporter } from './importer';

const TRUST_LEVELS = new Set(['untrusted', 'semi_trusted', 'trusted']);
const CLASSIFICATIONS = new Set(['public', 'internal', 'confidential', 'restricted']);
const EXPOSURES = new Set(['public', 'internal', 'private']);

function kindOf(type: string | undefined, attributes: Record<string, unknown>): string {
  const declared = asString(attributes['mltmKind']);
  if (
    declared !== undefined &&
    (COMPONENT_KINDS.values.includes(declared) || declared.startsWith('x-'))
  )
    return declared;
  if (type !== undefined && COMPONENT_KINDS.values.includes(type)) return type;
  const custom = (type ?? 'component')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '');
  return `x-${custom || 'component'}`;
}

function controlsOf(attributes: Record<string, unknown>): string[] {
  return asArray(attributes['mltmControls'])
    .map((c) => asString(c))
    .filter(
      (c): c is string =>
        c !== undefined && (CONTROL_KINDS.values.includes(c) || /^x-[a-z0-9][a-z0-9_.-]*$/.test(c)),
    );
}

export const otmImporter: FormatImporter = {
  format: 'OTM',
  looksLike: (_path, text) => /otmVersion/.test(text),
  recognise(doc) {
    const v = asRecord(doc.value);
    return typeof v['otmVersion'] === 'string' && isRecord(v['project']);
  },
  read(doc, draft) {
    const v = asRecord(doc.value);
    draft.suggestedName ??= asString(asRecord(v['project'])['name']);
    asArray(v['trustZones']).forEach((zone, i) => {
      const z = asRecord(zone);
      const id = asString(z['id']);
      if (id === undefined || id === IMPLICIT_ZONE_ID) return;
      const attributes = asRecord(z['attributes']);
      const declared = asString(attributes['mltmTrust']);
      const trust = (
        declared !== undefined && TRUST_LEVELS.has(declared)
          ? declared
          : trustFromRating(Number(asRecord(z['risk'])['trustRating'] ?? 100))
      ) as 'untrusted' | 'semi_trusted' | 'trusted';
      draft.boundary(`otm:${id}`, id, {
        name: asString(z['name']) ?? id,
        trust,
        description:
          asString(z['description']) ?? `OTM trust zone ${asString(z['type']) ?? ''}`.trim(),
        source: doc.ref(`/trustZones/${i}`),
      });
    });
    asArray(v['trustZones']).forEach((zone) => {
      const z = asRecord(zone);
      const id = asString(z['id']);
      const parent = asString(asRecord(z['parent'])['trustZone']);
      if (id === undefined || parent === undefined || !draft.has(`boundary:otm:${id}`)) return;
      const boundary = draft.boundaries.get(draft.idFor(`boundary:otm:${id}`, id));
      if (boundary && draft.has(`boundary:otm:${parent}`))
        boundary.parent = draft.idFor(`boundary:otm:${parent}`, parent);
    });
    const zoneId = (id: string | undefined) =>
      id === undefined || id === IMPLICIT_ZONE_ID || !draft.has(`boundary:otm:${id}`)
        ? undefined
        : draft.idFor(`boundary:otm:${id}`, id);
    asArray(v['assets']).forEach((asset, i) => {
      const a = asRecord(asset);
      const id = asString(a['id']);
      if (id === undefined) return;
      const attributes = asRecord(a['attributes']);
      const declared = asString(attributes['mltmClassification']);
      const kind = asString(attributes['mltmKind']);
      draft.dataItem(`otm:${id}`, id, {
        name: asString(a['name']) ?? id,
        classification: (declared !== undefined && CLASSIFICATIONS.has(declared)
          ? declared
          : classificationFromConfidentiality(
              Number(asRecord(a['risk'])['confidentiality'] ?? 33),
            )) as 'public' | 'internal' | 'confidential' | 'restricted',
        ...(kind !== undefined &&
          (DATA_KINDS.values.includes(kind) || kind.startsWith('x-')) && { kind }),
        ...(typeof attributes['mltmPii'] === 'boolean' && { pii: attributes['mltmPii'] }),
        source: doc.ref(`/assets/${i}`),
      });
    });
    const dataIds = (values: unknown): string[] =>
      asArray(values)
        .map((d) => asString(d))
        .filter((d): d is string => d !== undefined && draft.has(`data:otm:${d}`))
        .map((d) => draft.idFor(`data:otm:${d}`, d));
    const components = new Map<string, DraftComponent>();
    asArray(v['components']).forEach((component, i) => {
      const c = asRecord(component);
      const id = asString(c['id']);
      if (id === undefined) return;
      const attributes = asRecord(c['attributes']);
      const parent = asRecord(c['parent']);
      const boundary = zoneId(asString(parent['trustZone']));
      const exposure = asString(attributes['mltmExposure']);
      const drafted = draft.component(`otm:${id}`, id, {
        kind: kindOf(asString(c['type']), attributes),
        name: asString(c['name']) ?? id,
        ...(asString(c['description']) !== undefined && {
          description: asString(c['description']),
        }),
        ...(boundary !== undefined && { boundary }),
        ...(asString(attributes['mltmTech']) !== undefined && {
          tech: asString(attributes['mltmTech']),
        }),
        ...(exposure !== undefined &&
          EXPOSURES.has(exposure) && { exposure: exposure as 'public' | 'internal' | 'private' }),
        source: doc.ref(`/components/${i}`),
      });
      drafted.techAsWritten = true;
      const assets = asRecord(c['assets']);
      for (const d of [...dataIds(assets['processed']), ...dataIds(assets['stored'])])
        draft.holds(drafted, d);
      const at = doc.ref(
        isRecord(c['attributes']) && Array.isArray(attributes['mltmControls'])
          ? `/components/${i}/attributes/mltmControls`
          : `/components/${i}`,
      );
      for (const control of controlsOf(attributes)) draft.claim(drafted, control, at);
      components.set(id, drafted);
    });
    const flowIds = new Map<string, string>();
    asArray(v['dataflows']).forEach((flow, i) => {
      const f = asRecord(flow);
      const from = components.get(asString(f['source']) ?? '');
      const to = components.get(asString(f['destination']) ?? '');
      if (!from || !to) return;
      const attributes = asRecord(f['attributes']);
      const id = asString(f['id']);
      const drafted = draft.flow(from, to, {
        source: doc.ref(`/dataflows/${i}`),
        data: dataIds(f['assets']),
        ...(asString(attributes['mltmProtocol']) !== undefined && {
          protocol: asString(attributes['mltmProtocol']),
        }),
      });
      if (!drafted) return;
      const otmId = id;
      // The flow's id is kept unless mltm wrote it as the default `<from>-><to>`.
      if (
        id !== undefined &&
        attributes['mltmIdExplicit'] !== false &&
        id !== `${from.id}->${to.id}`
      )
        drafted.id = id;
      if (asString(f['name']) !== undefined && asString(f['name']) !== id)
        drafted.name = asString(f['name']);
      if (f['bidirectional'] === true) drafted.bidirectional = true;
      if (otmId !== undefined) flowIds.set(otmId, drafted.id ?? `${from.id}->${to.id}`);
      const at = doc.ref(`/dataflows/${i}`);
      for (const control of controlsOf(attributes))
        if (!drafted.controls.has(control)) drafted.controls.set(control, at);
    });
    // Register decisions (`mltm report --format otm` writes them as `mltmDecision`), under the
    // threat's id in the draft: the element's id may have been made unique.
    asArray(v['threats']).forEach((threat, i) => {
      const t = asRecord(threat);
      const attributes = asRecord(t['attributes']);
      const decision = asRecord(attributes['mltmDecision']);
      const status = asString(decision['status']);
      const rule = asString(attributes['mltmRule']);
      const element = asString(attributes['mltmElement']);
      if (status === undefined || rule === undefined || element === undefined) return;
      const elementId = components.get(element)?.id ?? flowIds.get(element) ?? element;
      draft.decisions.push({
        threatId: `${rule}@${elementId}`,
        status,
        // The fields as the register names them; only strings (as the export writes them).
        ...decisionFieldsOf(decision, (value) => (typeof value === 'string' ? value : undefined)),
        source: doc.ref(`/threats/${i}/attributes/mltmDecision`),
      });
    });
    draft.usedFormat('OTM');
  },
};
