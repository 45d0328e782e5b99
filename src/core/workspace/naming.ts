/**
 * Which file is whose: a model `<name>.mltm.yaml` or `<name>.mltm.yml` has its register
 * `<name>.threats.yaml` beside it (DESIGN §1.2), and a register belongs to the model of the same
 * name with either extension. One function each way, used by the CLI and the editor.
 */
import { exists, type WorkspaceFileSystem } from './fileSystem';
import { baseName, joinPath, parentOf } from './paths';

const MODEL_SUFFIX = /\.mltm\.ya?ml$/;
const REGISTER_SUFFIX = /\.threats\.ya?ml$/;
/** The model extensions, in the order a register's model is looked for. */
export const MODEL_EXTENSIONS = ['.mltm.yaml', '.mltm.yml'] as const;

/** Whether a path (or URI path) names a threat model file. */
export const isModelPath = (path: string): boolean => MODEL_SUFFIX.test(path);
/** Whether a path (or URI path) names a threat register file. */
export const isRegisterPath = (path: string): boolean => REGISTER_SUFFIX.test(path);

/** `fraud.mltm.yaml` / `fraud.mltm.yml` → `fraud.threats.yaml` (any other name: `<stem>.threats.yaml`). */
export function registerFileNameFor(modelFileName: string): string {
  return `${modelFileName.replace(MODEL_SUFFIX, '').replace(/\.ya?ml$/, '')}.threats.yaml`;
}

/** The register beside a model. */
export function registerPathFor(modelPath: string): string {
  return joinPath(parentOf(modelPath), registerFileNameFor(baseName(modelPath)));
}

/** The models a register can belong to, in the order they are tried. */
export function modelPathCandidates(registerPath: string): string[] {
  const stem = baseName(registerPath).replace(REGISTER_SUFFIX, '');
  return MODEL_EXTENSIONS.map((extension) => joinPath(parentOf(registerPath), stem + extension));
}

/**
 * The model a register belongs to: the first candidate that is open (`isOpen`) or exists, else
 * `<name>.mltm.yaml` (the name `mltm sync` would have used).
 */
export async function modelPathForRegister(
  fs: WorkspaceFileSystem,
  registerPath: string,
  isOpen: (path: string) => boolean = () => false,
): Promise<string> {
  const candidates = modelPathCandidates(registerPath);
  for (const candidate of candidates) if (isOpen(candidate)) return candidate;
  for (const candidate of candidates) if (await exists(fs, candidate)) return candidate;
  return candidates[0] as string;
}

const PROTECTED_NAMES: readonly [RegExp, string][] = [
  [/\.mltm\.ya?ml$/i, 'a model'],
  [/\.threats\.ya?ml$/i, 'a threat register'],
];

/**
 * Why a file of this name is never an output (a model, a register), or undefined: the CLI's
 * output checks and the editor's report writer ask this one function.
 */
export function protectedNameReason(name: string): string | undefined {
  for (const [pattern, what] of PROTECTED_NAMES) if (pattern.test(name)) return `it is ${what}`;
  return undefined;
}
