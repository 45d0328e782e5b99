/**
 * The model workspace: everything around one model that the CLI and the editor both need, read
 * through a {@link WorkspaceFileSystem} so each surface plugs in its own files (`node:fs`,
 * `vscode.workspace.fs`, a map in tests). It answers, once for both:
 *
 * - which register belongs to a model and which model to a register (`naming.ts`);
 * - which custom rule packs apply (`packs.ts`: one discovery rule);
 * - the ATLAS override (`atlasOverride.ts`);
 * - the register beside the model, loaded and checked against the analysis;
 * - whether a report may be made, and its input (`report.ts`).
 *
 * A session is gathered (texts read), analysed (here, or by the caller in a worker thread, see
 * `workerPacking.ts`) and completed (register checked), so the editor can drop the work for an
 * outdated document version between the steps.
 */
import { analyze, type Analysis, type AnalysisOptions } from '../analysis';
import type { AtlasCatalogue } from '../kb/atlas';
import { REGISTER_READ_LIMITS } from '../parse/source';
import type { Problem } from '../problems';
import { checkRegister, loadRegister, type ThreatRegister } from '../register/register';
import { checkPathEntries } from '../register/pathEntries';
import { loadAtlasOverride, type AtlasOverride } from './atlasOverride';
import { readTextFile, type TextReadResult, type WorkspaceFileSystem } from './fileSystem';
import { modelPathForRegister, registerPathFor } from './naming';
import { discoverCustomPacks, type CustomPacks } from './packs';
import { baseName, parentOf } from './paths';

export interface ModelWorkspaceOptions {
  readonly fs: WorkspaceFileSystem;
  /** Text of a document open in an editor (unsaved edits included); read before the file system. */
  readonly openText?: (path: string) => string | undefined;
  /** The folder pack discovery never climbs above for a model (the editor's workspace folder). */
  readonly boundaryOf?: (modelPath: string) => string | undefined;
}

/** The register beside a model, as far as it could be read. */
export type RegisterState =
  | { readonly status: 'absent'; readonly path: string }
  /** The file is there but could not be read (permissions, size, bytes): `problems` say why. */
  | {
      readonly status: 'unreadable';
      readonly path: string;
      readonly text?: undefined;
      readonly problems: readonly Problem[];
    }
  /** Read; `register` is absent when the text is not a register (`problems` say why). */
  | {
      readonly status: 'read';
      readonly path: string;
      readonly text: string;
      readonly register?: ThreatRegister;
      /** Load problems, then triage problems against the analysis (when the model loaded). */
      readonly problems: readonly Problem[];
    };

/** What a session is analysed from. */
export interface SessionInputs {
  readonly path: string;
  readonly text: string;
  readonly packs: CustomPacks;
  /** The ATLAS override, when one was asked for. */
  readonly atlas?: AtlasOverride;
  readonly registerPath: string;
  /** The register's text (open document first), or why it could not be read; undefined: absent. */
  readonly registerRead?: TextReadResult;
}

/** One model with everything around it, for one version of its text. */
export interface ModelSession extends SessionInputs {
  readonly analysis: Analysis;
  readonly register: RegisterState;
}

/** Everything a caller says about how to analyse. */
export interface SessionOptions {
  /** Path of an ATLAS file replacing the bundled catalogue (`--atlas`, `mltm.atlas.path`). */
  readonly atlasPath?: string;
  /** How messages name the ATLAS file (a display path, the setting). */
  readonly atlasLabel?: string;
  /** A catalogue already loaded (the CLI loads `--atlas` once for many models). */
  readonly atlasCatalogue?: AtlasCatalogue;
  /** "Today" (YYYY-MM-DD) for the register checks (expired decisions). */
  readonly today: string;
}

export class ModelWorkspace {
  private readonly packCache = new Map<string, Promise<CustomPacks>>();
  private atlasCache: { key: string; result: Promise<AtlasOverride> } | undefined;

  constructor(private readonly options: ModelWorkspaceOptions) {}

  get fs(): WorkspaceFileSystem {
    return this.options.fs;
  }

  /** A file's text: an open document's first, else the file (with the parser's read checks). */
  async readText(path: string, maxLength?: number): Promise<TextReadResult> {
    const open = this.options.openText?.(path);
    if (open !== undefined) return { text: open, problems: [] };
    return readTextFile(this.options.fs, path, maxLength);
  }

  /** The register beside a model (`<name>.threats.yaml`, for `.mltm.yaml` and `.mltm.yml`). */
  registerPathFor(modelPath: string): string {
    return registerPathFor(modelPath);
  }

  /** The model a register belongs to (an open or existing `.mltm.yaml`, then `.mltm.yml`). */
  modelPathForRegister(registerPath: string): Promise<string> {
    return modelPathForRegister(
      this.options.fs,
      registerPath,
      (path) => this.options.openText?.(path) !== undefined,
    );
  }

  /** The custom packs for a model (cached per folder until {@link forgetPacks}). */
  customPacks(modelPath: string): Promise<CustomPacks> {
    const folder = parentOf(modelPath);
    let cached = this.packCache.get(folder);
    if (!cached) {
      cached = discoverCustomPacks(
        this.options.fs,
        modelPath,
        this.options.boundaryOf?.(modelPath),
      );
      this.packCache.set(folder, cached);
    }
    return cached;
  }

  /** Drops cached packs and ATLAS data (a pack file or the setting changed). */
  forgetPacks(): void {
    this.packCache.clear();
    this.atlasCache = undefined;
  }

  /** The ATLAS override at `path` (cached while the path is the same). */
  atlasOverride(path: string, label: string = path): Promise<AtlasOverride> {
    const key = `${path}\u0000${label}`;
    if (this.atlasCache?.key !== key)
      this.atlasCache = { key, result: loadAtlasOverride(this.options.fs, path, label) };
    return this.atlasCache.result;
  }

  /**
   * Reads what analysing a model needs: its text (`text` when the caller already has it), the
   * packs, the ATLAS override, the register's text. Undefined text: the model could not be
   * read (`problems` say why).
   */
  async gather(
    modelPath: string,
    options: SessionOptions & { readonly text?: string },
  ): Promise<{ inputs?: SessionInputs; problems: readonly Problem[] }> {
    const read =
      options.text !== undefined
        ? { text: options.text, problems: [] }
        : await this.readText(modelPath);
    if (read.text === undefined) return { problems: read.problems };
    const registerPath = registerPathFor(modelPath);
    const [packs, atlas, registerRead] = await Promise.all([
      this.customPacks(modelPath),
      options.atlasPath ? this.atlasOverride(options.atlasPath, options.atlasLabel) : undefined,
      this.readRegister(registerPath),
    ]);
    return {
      inputs: {
        path: modelPath,
        text: read.text,
        packs,
        ...(atlas && { atlas }),
        registerPath,
        ...(registerRead && { registerRead }),
      },
      problems: [],
    };
  }

  /** The options `analyze` takes for these inputs. */
  analysisOptions(
    inputs: SessionInputs,
    options: Pick<SessionOptions, 'atlasCatalogue'> = {},
  ): AnalysisOptions {
    const atlas = options.atlasCatalogue ?? inputs.atlas?.catalogue;
    return { customPacks: inputs.packs.packs, ...(atlas && { atlas }) };
  }

  /** Loads the register and checks it against the analysis: the finished session. */
  complete(inputs: SessionInputs, analysis: Analysis, today: string): ModelSession {
    return { ...inputs, analysis, register: registerState(inputs, analysis, today) };
  }

  /** Gather, analyse on this thread, complete. */
  async open(
    modelPath: string,
    options: SessionOptions & { readonly text?: string },
  ): Promise<{ session?: ModelSession; problems: readonly Problem[] }> {
    const gathered = await this.gather(modelPath, options);
    if (!gathered.inputs) return { problems: gathered.problems };
    const inputs = gathered.inputs;
    const analysis = analyze(inputs.text, this.analysisOptions(inputs, options));
    return { session: this.complete(inputs, analysis, options.today), problems: [] };
  }

  private async readRegister(path: string): Promise<TextReadResult | undefined> {
    if (
      this.options.openText?.(path) === undefined &&
      (await this.options.fs.stat(path)) === undefined
    )
      return undefined;
    return this.readText(path, REGISTER_READ_LIMITS.maxLength);
  }
}

function registerState(inputs: SessionInputs, analysis: Analysis, today: string): RegisterState {
  const read = inputs.registerRead;
  const path = inputs.registerPath;
  if (!read) return { status: 'absent', path };
  if (read.text === undefined) return { status: 'unreadable', path, problems: read.problems };
  const loaded = loadRegister(read.text);
  const problems: Problem[] = [...loaded.problems];
  if (loaded.register && analysis.status === 'loaded')
    problems.push(
      ...checkRegister(loaded.register, analysis, { today, modelFile: baseName(inputs.path) }),
      ...checkPathEntries(loaded.register, analysis, { today }),
    );
  return {
    status: 'read',
    path,
    text: read.text,
    ...(loaded.register && { register: loaded.register }),
    problems,
  };
}

/** The register of a session, when it loaded. */
export function sessionRegister(session: ModelSession): ThreatRegister | undefined {
  return session.register.status === 'read' ? session.register.register : undefined;
}
