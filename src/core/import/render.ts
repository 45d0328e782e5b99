/**
 * The draft as `*.mltm.yaml` text: plain block-style YAML (what the fast reader reads), a header
 * saying it is a draft and what to review, `x-draft: true` on every boundary (drafted from
 * namespaces, networks and external hosts), `x-source: path:line` on every element and
 * `x-evidence: { control: path:line }` for every control. These two keys are the contract
 * `mltm import --compare` reads back (see `drift.ts`).
 */
import { yamlScalar } from '../edit/textEdit';
import { formatSourceRef } from './evidence';
import { techWithoutUnprovenImplications, type DraftBuilder } from './draft';

export interface RenderOptions {
  readonly name: string;
  /** How many files the draft was made from (for the header). */
  readonly fileCount: number;
}

function list(values: readonly string[]): string {
  return `[${values.map(yamlScalar).join(', ')}]`;
}

/** The draft's model text. */
export function renderDraft(draft: DraftBuilder, options: RenderOptions): string {
  const out: string[] = [
    `# Draft threat model written by \`mltm import\` from ${options.fileCount} file${options.fileCount === 1 ? '' : 's'}` +
      (draft.formats.length > 0 ? ` (${draft.formats.join(', ')}).` : '.'),
    '# Review it before relying on it:',
    '# - the trust boundaries are a draft (namespaces, networks, external hosts), each marked',
    '#   `x-draft: true`: check their trust levels and which components belong in them;',
    '# - a control is listed only where a file proves it; `x-evidence` names the file and line;',
    '# - `x-source` names the file and line each element was drafted from',
    '#   (`mltm import <files> --compare <model>` reads it to report drift).',
    'mltm: 1',
    `name: ${yamlScalar(options.name)}`,
    `description: ${yamlScalar(`Drafted by mltm import from ${draft.formats.join(', ') || 'no'} files; review before use.`)}`,
    'x-draft: true',
  ];
  if (draft.boundaries.size > 0) {
    out.push('boundaries:');
    for (const b of draft.boundaries.values()) {
      out.push(
        `  ${yamlScalar(b.id)}:`,
        `    name: ${yamlScalar(b.name)}`,
        `    description: ${yamlScalar(b.description)}`,
        `    trust: ${b.trust}`,
        ...(b.parent !== undefined && draft.boundaries.has(b.parent)
          ? [`    parent: ${yamlScalar(b.parent)}`]
          : []),
        '    x-draft: true',
        `    x-source: ${yamlScalar(formatSourceRef(b.source))}`,
      );
    }
  }
  const usedData = new Set<string>();
  for (const c of draft.components.values()) for (const id of c.data) usedData.add(id);
  for (const f of draft.flows) for (const id of f.data) usedData.add(id);
  const data = [...draft.data.values()].filter((d) => usedData.has(d.id));
  if (data.length > 0) {
    out.push('data:');
    for (const d of data) {
      out.push(`  ${yamlScalar(d.id)}:`);
      if (d.name !== undefined) out.push(`    name: ${yamlScalar(d.name)}`);
      if (d.kind !== undefined) out.push(`    kind: ${d.kind}`);
      out.push(`    classification: ${d.classification}`);
      if (d.pii !== undefined) out.push(`    pii: ${d.pii}`);
      out.push(`    x-source: ${yamlScalar(formatSourceRef(d.source))}`);
    }
  }
  out.push('components:');
  if (draft.components.size === 0) out[out.length - 1] = 'components: {}';
  for (const c of draft.components.values()) {
    out.push(`  ${yamlScalar(c.id)}:`, `    kind: ${yamlScalar(c.kind)}`);
    if (c.name !== undefined && c.name !== c.id) out.push(`    name: ${yamlScalar(c.name)}`);
    if (c.description !== undefined) out.push(`    description: ${yamlScalar(c.description)}`);
    if (c.boundary !== undefined) out.push(`    boundary: ${yamlScalar(c.boundary)}`);
    const tech = c.techAsWritten
      ? c.tech
      : techWithoutUnprovenImplications(c.tech, new Set(c.controls.keys()));
    if (tech !== undefined) out.push(`    tech: ${yamlScalar(tech)}`);
    if (c.exposure !== undefined) out.push(`    exposure: ${c.exposure}`);
    if (c.data.length > 0) out.push(`    data: ${list(c.data)}`);
    if (c.controls.size > 0) out.push(`    controls: ${list([...c.controls.keys()])}`);
    out.push(`    x-source: ${yamlScalar(formatSourceRef(c.source))}`);
    if (c.controls.size > 0) {
      out.push('    x-evidence:');
      for (const [control, ref] of c.controls)
        out.push(`      ${control}: ${yamlScalar(formatSourceRef(ref))}`);
    }
    for (const [key, value] of c.notes) out.push(`    ${key}: ${yamlScalar(value)}`);
  }
  if (draft.flows.length > 0) {
    out.push('flows:');
    for (const f of draft.flows) {
      out.push(
        ...(f.id !== undefined
          ? [`  - id: ${yamlScalar(f.id)}`, `    from: ${yamlScalar(f.from)}`]
          : [`  - from: ${yamlScalar(f.from)}`]),
        `    to: ${yamlScalar(f.to)}`,
      );
      if (f.name !== undefined) out.push(`    name: ${yamlScalar(f.name)}`);
      if (f.bidirectional === true) out.push('    bidirectional: true');
      if (f.data.length > 0) out.push(`    data: ${list(f.data)}`);
      if (f.protocol !== undefined) out.push(`    protocol: ${yamlScalar(f.protocol)}`);
      if (f.controls.size > 0) out.push(`    controls: ${list([...f.controls.keys()])}`);
      out.push(`    x-source: ${yamlScalar(formatSourceRef(f.source))}`);
      if (f.controls.size > 0) {
        out.push('    x-evidence:');
        for (const [control, ref] of f.controls)
          out.push(`      ${control}: ${yamlScalar(formatSourceRef(ref))}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
