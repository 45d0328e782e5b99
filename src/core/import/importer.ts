/**
 * The shape every format importer has, and the small helpers they share (paths inside a
 * repository, artifact file types, URL schemes → components). Each format lives in its own
 * module and recognises its files by content; `index.ts` lists them in the order they apply.
 */
import type { DraftBuilder, DraftComponent } from './draft';
import type { EvidenceDoc, EvidenceFile, SourceRef } from './evidence';

export interface FormatImporter {
  /** Display name, e.g. `DVC`, `Kubeflow Pipelines`. */
  readonly format: string;
  /**
   * A cheap look at the name and raw text: could this file be the format? Files no importer
   * looks at are ignored; files one looks at but that do not parse get a located problem.
   */
  looksLike(path: string, text: string): boolean;
  /** Whether a parsed document is this format (by content: keys and API versions). */
  recognise?(doc: EvidenceDoc): boolean;
  /** Adds what a recognised document says to the draft. */
  read?(doc: EvidenceDoc, draft: DraftBuilder): void;
  /** For formats that are not YAML or JSON (`.dvc/config` is INI): reads the text itself. */
  readText?(file: EvidenceFile, draft: DraftBuilder): boolean;
  /** Runs once after every file was read (policies apply to the workloads drafted by then). */
  finish?(draft: DraftBuilder): void;
}

/** The folder part of a POSIX path ('' for a file at the top). */
export function folderOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

/** `folder` + `relative`, with `.` and `..` resolved and no trailing slash. */
export function joinPath(folder: string, relative: string): string {
  if (relative.startsWith('/')) return normalisePath(relative);
  return normalisePath(folder === '' ? relative : `${folder}/${relative}`);
}

/** `to` relative to `fromFolder` (both POSIX paths), with `..` where it leaves the folder. */
export function relativePath(fromFolder: string, to: string): string {
  const from = normalisePath(fromFolder).split('/').filter(Boolean);
  const target = normalisePath(to).split('/').filter(Boolean);
  let common = 0;
  while (common < from.length && common < target.length && from[common] === target[common])
    common++;
  return [...from.slice(common).map(() => '..'), ...target.slice(common)].join('/');
}

export function normalisePath(path: string): string {
  const out: string[] = [];
  const absolute = path.startsWith('/');
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}

const MODEL_EXTENSIONS =
  /\.(pkl|pickle|joblib|pt|pth|ckpt|onnx|h5|keras|safetensors|bin|gguf|pb|tflite|mlmodel|model)$/i;
const PICKLE_EXTENSIONS = /\.(pkl|pickle|joblib|pt|pth|ckpt|bin)$/i;
const CODE_EXTENSIONS = /\.(py|sh|ipynb|r|jl|scala|java|js|ts|go|rs|sql|toml|cfg|ini|txt)$/i;

/** A model artifact by its path (`*.pkl`, `*.pt`, `*.onnx`, a folder named `model…`). */
export function isModelPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return MODEL_EXTENSIONS.test(name) || /^models?([-_.]|$)/i.test(name);
}

/** A model file whose format is pickle-based (loading it runs code). */
export function isPicklePath(path: string): boolean {
  return PICKLE_EXTENSIONS.test(path);
}

/** Source code and its configuration (a stage's script, not its data). */
export function isCodePath(path: string): boolean {
  return CODE_EXTENSIONS.test(path) || /^(src|scripts?|code)(\/|$)/.test(path);
}

/** The scheme of a URI (`s3`, `gs`, `https`, ...), lower case; undefined for a plain path. */
export function uriScheme(uri: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(uri);
  return match?.[1]?.toLowerCase();
}

/** The host of a URI (`bucket` in `s3://bucket/key`), when it has one. */
export function uriHost(uri: string): string | undefined {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/.exec(uri);
  return match?.[1];
}

const STORAGE_TECH: Readonly<Record<string, string>> = {
  s3: 's3',
  gs: 'gcs',
  gcs: 'gcs',
  az: 'azure-blob',
  azure: 'azure-blob',
  wasbs: 'azure-blob',
  abfs: 'azure-blob',
  hdfs: 'hdfs',
  oss: 'oss',
  pvc: 'pvc',
  hf: 'huggingface',
  http: 'http',
  https: 'https',
  git: 'git',
  ssh: 'ssh',
};

/**
 * A component for a storage URI (`s3://bucket/…`, `gs://…`, `hf://org/model`, `https://…`):
 * one per bucket or host. Object stores are artifact stores in a drafted "cloud storage" zone;
 * `hf://` is a third-party hub and a plain `https://` host an external source, both in a
 * drafted untrusted "external hosts" zone.
 */
export function storageComponent(
  draft: DraftBuilder,
  uri: string,
  source: SourceRef,
  holds: 'model' | 'data',
): DraftComponent {
  const scheme = uriScheme(uri) ?? 'file';
  const host = uriHost(uri) ?? uri;
  const tech = STORAGE_TECH[scheme] ?? scheme;
  if (scheme === 'hf') {
    const boundary = externalBoundary(draft, source);
    return draft.component(`storage:hf:${host}`, `hf-${host}`, {
      kind: 'third_party_model_hub',
      name: `Hugging Face ${host}`,
      description: `Models pulled from hf://${host}.`,
      boundary: boundary.id,
      tech,
      source,
    });
  }
  if (scheme === 'http' || scheme === 'https' || scheme === 'git' || scheme === 'ssh') {
    const boundary = externalBoundary(draft, source);
    return draft.component(`storage:host:${host}`, host, {
      kind: holds === 'model' ? 'third_party_model_hub' : 'external_data_source',
      name: host,
      description: `External host ${host}, reached over ${scheme}.`,
      boundary: boundary.id,
      tech,
      source,
    });
  }
  const boundary = draft.boundary('cloud-storage', 'cloud-storage', {
    name: 'Cloud storage',
    trust: 'semi_trusted',
    description: 'Drafted: object stores and volumes named by storage URIs. Review its trust.',
    source,
  });
  return draft.component(`storage:${scheme}:${host}`, `${scheme}-${host}`, {
    kind: 'artifact_store',
    name: `${scheme}://${host}`,
    description: `Storage at ${scheme}://${host}.`,
    boundary: boundary.id,
    tech,
    source,
  });
}

/** The drafted zone of hosts outside the team's control. */
export function externalBoundary(draft: DraftBuilder, source: SourceRef) {
  return draft.boundary('external', 'external', {
    name: 'External hosts',
    trust: 'untrusted',
    description: 'Drafted: hosts outside the team named by URLs in the files. Review its trust.',
    source,
  });
}

/** A pipeline step's kind from its name when nothing better is known. */
export function kindFromName(name: string): string {
  const n = name.toLowerCase();
  if (/train|fit|fine-?tun/.test(n)) return 'training_job';
  if (/eval|valid|test|metric|score-model|benchmark/.test(n)) return 'evaluation';
  if (/ingest|extract|load|fetch|download|prep|clean|split|featur|transform|etl|import/.test(n))
    return 'data_ingestion';
  if (/label|annotat/.test(n)) return 'labeling';
  if (/deploy|serve|push|release|register|upload/.test(n)) return 'ci_cd';
  return 'x-pipeline-step';
}

/** An image reference is pinned when it names a digest. */
export function imagePinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/i.test(image);
}
