/**
 * The drift check `mltm import <paths> --compare <model>` and the editor's drift diagnostics
 * (setting `mltm.drift.evidencePaths`) both run: read the evidence (the import's walk, guards and
 * draft), find which files the model's `x-source` / `x-evidence` name still exist, and compare
 * (`compareWithEvidence`). It comes in two halves so the editor can keep the evidence it read
 * between keystrokes and compare each new model text against it, re-reading only when an
 * evidence file changes; the CLI runs both at once (`checkDrift`). Pure over `ImportFs`.
 */
import { problem } from '../problems';
import type { FileProblem } from './draft';
import { compareWithEvidence, referencedFiles } from './drift';
import { importEvidence, type ImportResult } from './index';
import { walkEvidence, type ImportFs, type WalkOptions, type WalkResult } from './walk';

/**
 * How much evidence the editor reads for drift before it gives up with MLTM520: a huge tree
 * must not stall the extension host. Each file is still capped by the import's own 5 MB guard.
 */
export const EDITOR_DRIFT_LIMITS = { maxFiles: 2000, maxTotalBytes: 50 * 1048576 } as const;

/** The evidence read once: the walk, the draft made from it, and the texts to locate problems. */
export interface DriftEvidence {
  readonly walked: WalkResult;
  readonly imported: ImportResult;
  readonly texts: ReadonlyMap<string, string>;
}

/** The model compared: its name as problems show it, its text, and where its relative paths go. */
export interface DriftModel {
  /** The model file as shown (relative to its own folder, like the evidence paths). */
  readonly file: string;
  readonly text: string;
  /** A path named relative to the model's folder, in the file system's own path syntax. */
  readonly resolve: (relative: string) => string;
}

export interface DriftReport {
  /** MLTM510–513, each located in the model or in an evidence file (sorted by file, position). */
  readonly drift: FileProblem[];
  /** Problems reading the evidence, then MLTM520 when the limits stopped the check. */
  readonly problems: FileProblem[];
  /** Evidence files that were recognised (0: nothing to compare with). */
  readonly recognised: readonly string[];
}

/** Reads the evidence under `roots` (walk and draft); `options.display` names files as the model does. */
export async function readDriftEvidence(
  roots: readonly string[],
  fs: ImportFs,
  options: WalkOptions,
): Promise<DriftEvidence> {
  const walked = await walkEvidence(roots, fs, options);
  return {
    walked,
    imported: importEvidence(walked.files),
    texts: new Map(walked.files.map((f) => [f.path, f.text])),
  };
}

/** Where `model` and the evidence disagree. Never throws on any model text. */
export async function driftAgainst(
  evidence: DriftEvidence,
  model: DriftModel,
  fs: ImportFs,
): Promise<DriftReport> {
  const problems = [...evidence.walked.problems, ...evidence.imported.draft.problems];
  if (evidence.walked.overLimit !== undefined)
    return {
      drift: [],
      problems: [
        ...problems,
        {
          file: model.file,
          problem: problem(
            'MLTM520',
            `Drift was not checked: the evidence paths hold ${evidence.walked.overLimit}. Name narrower folders in \`mltm.drift.evidencePaths\`, or run \`mltm import <paths> --compare ${model.file}\`.`,
            { start: 0, end: 0 },
          ),
        },
      ],
      recognised: [],
    };
  const existing = new Set<string>();
  await Promise.all(
    referencedFiles(model.text).map(async (path) => {
      try {
        if ((await fs.stat(model.resolve(path))) !== undefined) existing.add(path);
      } catch {
        // Unreadable is not gone: only a file that is not there is reported as missing.
        existing.add(path);
      }
    }),
  );
  const drift = compareWithEvidence({
    draft: evidence.imported.draft,
    modelFile: model.file,
    modelText: model.text,
    evidenceFiles: new Set(evidence.walked.files.map((f) => f.path)),
    sourceExists: (path) => existing.has(path),
  });
  return { drift, problems, recognised: evidence.imported.recognised };
}

/** Reads the evidence and compares the model with it (the CLI's `--compare`). */
export async function checkDrift(
  roots: readonly string[],
  fs: ImportFs,
  walk: WalkOptions,
  model: DriftModel,
): Promise<DriftReport & { readonly evidence: DriftEvidence }> {
  const evidence = await readDriftEvidence(roots, fs, walk);
  return { ...(await driftAgainst(evidence, model, fs)), evidence };
}
