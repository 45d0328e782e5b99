/**
 * `importEvidence(files)`: evidence files → a draft model. The one entry the CLI (`mltm import`)
 * and the editor command share. Pure: the caller reads the files (see `walk.ts`).
 *
 * Every file is offered to each importer's cheap `looksLike` test; files none looks at are not
 * evidence and are ignored. A file one looks at is parsed with the guarded reader — if it does
 * not parse it is a located problem and skipped, and the rest still imports. Parsed documents go
 * to the first importer that recognises them by content; importers then run in the order of
 * {@link IMPORTERS} (workloads before the policies that apply to them), files in path order.
 */
import { DraftBuilder } from './draft';
import { argoImporter } from './argo';
import { composeImporter } from './compose';
import { dvcConfigImporter, dvcLockImporter, dvcYamlImporter } from './dvc';
import { kfpImporter } from './kfp';
import { mcpImporter } from './mcp';
import {
  authorizationPolicyImporter,
  networkPolicyImporter,
  peerAuthenticationImporter,
} from './mesh';
import { mlflowImporter } from './mlflow';
import { otmImporter } from './otm';
import { kserveImporter, seldonImporter } from './serving';
import {
  EvidenceFile,
  indentQuotedContinuations,
  parseEvidence,
  type EvidenceDoc,
} from './evidence';
import type { FormatImporter } from './importer';
import { renderDraft } from './render';
import { problem } from '../problems';

/** Every importer, in the order they apply. */
export const IMPORTERS: readonly FormatImporter[] = [
  dvcYamlImporter,
  dvcLockImporter,
  dvcConfigImporter,
  kfpImporter,
  argoImporter,
  kserveImporter,
  seldonImporter,
  composeImporter,
  mlflowImporter,
  mcpImporter,
  otmImporter,
  // Policies last: they prove or disprove controls on the workloads drafted above.
  networkPolicyImporter,
  peerAuthenticationImporter,
  authorizationPolicyImporter,
];

export interface ImportOptions {
  /** The draft's `name:`; without it, a name a file gives (an OTM project), else `fallbackName`. */
  readonly name?: string;
  readonly fallbackName?: string;
}

export interface ImportResult {
  readonly draft: DraftBuilder;
  /** The draft's text, when at least one file was recognised. */
  readonly text?: string;
  /** Files that contributed to the draft. */
  readonly recognised: readonly string[];
}

/** Drafts a model from evidence files (already read and decoded). Never throws on any input. */
export function importEvidence(
  files: readonly EvidenceFile[],
  options: ImportOptions = {},
): ImportResult {
  const draft = new DraftBuilder();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const queue = new Map<FormatImporter, { doc?: EvidenceDoc; file: EvidenceFile }[]>();
  for (const importer of IMPORTERS) queue.set(importer, []);
  for (const file of sorted) {
    const candidates = IMPORTERS.filter((i) => i.looksLike(file.path, file.text));
    if (candidates.length === 0) continue;
    const textual = candidates.find((i) => i.readText !== undefined);
    if (textual) {
      queue.get(textual)?.push({ file });
      continue;
    }
    let parsed = parseEvidence(file);
    const relaxed = parsed.problems.some((p) => p.code === 'MLTM001')
      ? indentQuotedContinuations(file.text)
      : undefined;
    if (relaxed !== undefined) {
      const retry = parseEvidence(new EvidenceFile(file.path, relaxed));
      if (retry.problems.length === 0) {
        parsed = { ...retry, file };
        draft.report(
          file.path,
          problem(
            'MLTM506',
            'A quoted value continues on lines indented no deeper than its key, which YAML does not allow; read as if they were indented.',
            parsed.docs[0]?.range('') ?? { start: 0, end: 0 },
            { severity: 'info' },
          ),
        );
      }
    }
    if (parsed.problems.length > 0) {
      for (const p of parsed.problems) draft.report(file.path, p);
      if (parsed.docs.length === 0) continue;
    }
    let recognised = false;
    for (const doc of parsed.docs) {
      const importer = IMPORTERS.find((i) => i.recognise?.(doc) === true);
      if (importer) {
        queue.get(importer)?.push({ doc, file });
        recognised = true;
      }
    }
    // Named like a supported file but holding something else: say so rather than skip silently.
    if (
      !recognised &&
      candidates.length > 0 &&
      parsed.problems.length === 0 &&
      namedLikeEvidence(file.path)
    )
      draft.report(
        file.path,
        problem(
          'MLTM506',
          `Named like ${candidates[0]?.format} evidence, but its content is not in that format; skipped.`,
          { start: 0, end: 0 },
        ),
      );
  }
  const recognised = new Set<string>();
  for (const [importer, entries] of queue) {
    for (const entry of entries) {
      if (entry.doc && importer.read) {
        importer.read(entry.doc, draft);
        recognised.add(entry.file.path);
      } else if (!entry.doc && importer.readText?.(entry.file, draft))
        recognised.add(entry.file.path);
    }
  }
  for (const importer of IMPORTERS) importer.finish?.(draft);
  const list = [...recognised].sort();
  if (list.length === 0) return { draft, recognised: list };
  return {
    draft,
    recognised: list,
    text: renderDraft(draft, {
      name: options.name ?? draft.suggestedName ?? options.fallbackName ?? 'Drafted model',
      fileCount: list.length,
    }),
  };
}

/** File names only one format uses: a mismatch there is worth a problem, elsewhere it is noise. */
function namedLikeEvidence(path: string): boolean {
  return /(^|\/)(dvc\.ya?ml|dvc\.lock|MLmodel|mcp\.json|\.mcp\.json|claude_desktop_config\.json|(docker-)?compose(\.[\w-]+)?\.ya?ml)$/.test(
    path,
  );
}
