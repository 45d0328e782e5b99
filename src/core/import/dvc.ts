/**
 * DVC: `dvc.yaml` (stages with `cmd`, `deps`, `outs`, `metrics`; top-level `artifacts:`),
 * `dvc.lock` (the hashes of what each stage read and wrote) and `.dvc/config` (remotes).
 *
 * Stages become jobs — a training job when it writes a model artifact (`*.pkl`, `*.pt`, `*.onnx`,
 * an `artifacts:` entry of type model), an evaluation when it reads a model or writes metrics,
 * data ingestion otherwise. An output read by a later stage is a flow between the two stages;
 * inputs no stage writes and outputs no stage reads are data stores (artifact stores for models).
 * A `dvc.lock` hash (`md5`) of a dependency is integrity evidence (`artifact_checksums`) on the
 * flow that carries it — never a signature. Remotes are storage components.
 */
import { pointer } from '../parse/pointer';
import type { DraftBuilder, DraftComponent } from './draft';
import { asArray, asRecord, asString, isRecord, type EvidenceFile } from './evidence';
import {
  folderOf,
  isCodePath,
  isModelPath,
  joinPath,
  storageComponent,
  type FormatImporter,
} from './importer';

interface PathEntry {
  readonly path: string;
  readonly pointer: string;
}

/** `deps:` / `outs:` items: a string, or a one-key mapping `{ path: { cache: false } }`. */
function pathEntries(base: string, value: unknown): PathEntry[] {
  return asArray(value).flatMap((item, index): PathEntry[] => {
    if (typeof item === 'string') return [{ path: item, pointer: `${base}/${index}` }];
    if (isRecord(item)) {
      const key = Object.keys(item)[0];
      if (key !== undefined)
        return [{ path: key, pointer: pointer(...splitPointer(base), index, key) }];
    }
    return [];
  });
}

function splitPointer(p: string): string[] {
  return p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function stageKey(folder: string, name: string): string {
  return `dvc-stage:${folder}:${name}`;
}

/** Whether output `out` covers dependency `dep` (the same path, or a file inside an output folder). */
function covers(out: string, dep: string): boolean {
  return dep === out || dep.startsWith(`${out}/`);
}

const DVC_STAGES = /^stages:\s*$/m;

/** Each stage's working folder (`wdir`), which `dvc.lock` paths are relative to, per draft. */
const STAGE_FOLDERS = new WeakMap<DraftBuilder, Map<string, string>>();

export const dvcYamlImporter: FormatImporter = {
  format: 'DVC',
  looksLike: (path, text) =>
    /(^|\/)dvc\.ya?ml$/.test(path) || (DVC_STAGES.test(text) && /\bcmd:/.test(text)),
  recognise(doc) {
    const root = asRecord(doc.value);
    const stages = root['stages'];
    return (
      isRecord(stages) &&
      root['schema'] === undefined &&
      Object.values(stages).some(
        (s) => isRecord(s) && (s['cmd'] !== undefined || s['do'] !== undefined),
      )
    );
  },
  read(doc, draft) {
    const folder = folderOf(doc.file.path);
    const root = asRecord(doc.value);
    const artifactTypes = new Map<string, string>();
    for (const [name, artifact] of Object.entries(asRecord(root['artifacts']))) {
      const a = asRecord(artifact);
      const path = asString(a['path']);
      const type = asString(a['type']);
      if (path !== undefined && type !== undefined) artifactTypes.set(joinPath(folder, path), type);
      void name;
    }
    const isModel = (path: string) => artifactTypes.get(path) === 'model' || isModelPath(path);
    interface Stage {
      readonly name: string;
      readonly pointer: string;
      readonly deps: { path: string; pointer: string }[];
      readonly outs: { path: string; pointer: string }[];
      readonly metrics: boolean;
      component?: DraftComponent;
    }
    const stages: Stage[] = [];
    for (const [name, value] of Object.entries(asRecord(root['stages']))) {
      const stagePointer = pointer('stages', name);
      // `foreach` / `matrix` stages keep their definition under `do:` (foreach) or beside it.
      const body = isRecord(value) && isRecord(value['do']) ? value['do'] : asRecord(value);
      const bodyPointer =
        isRecord(value) && isRecord(value['do']) ? `${stagePointer}/do` : stagePointer;
      const wdir = asString(body['wdir']);
      const base = wdir !== undefined ? joinPath(folder, wdir) : folder;
      let folders = STAGE_FOLDERS.get(draft);
      if (!folders) STAGE_FOLDERS.set(draft, (folders = new Map()));
      folders.set(stageKey(folder, name), base);
      const resolve = (entries: PathEntry[]) =>
        entries
          .filter((e) => !e.path.includes('${'))
          .map((e) => ({ path: joinPath(base, e.path), pointer: e.pointer }));
      stages.push({
        name,
        pointer: stagePointer,
        deps: resolve(pathEntries(`${bodyPointer}/deps`, body['deps'])),
        outs: resolve(pathEntries(`${bodyPointer}/outs`, body['outs'])),
        metrics: body['metrics'] !== undefined || body['plots'] !== undefined,
      });
    }
    for (const stage of stages) {
      const writesModel = stage.outs.some((o) => isModel(o.path));
      const readsModel = stage.deps.some((d) => isModel(d.path));
      const kind = writesModel
        ? 'training_job'
        : readsModel || stage.metrics
          ? 'evaluation'
          : 'data_ingestion';
      stage.component = draft.component(stageKey(folder, stage.name), stage.name, {
        kind,
        name: stage.name,
        description: `DVC stage \`${stage.name}\`.`,
        source: doc.ref(stage.pointer),
      });
    }
    // Names are relative to the DVC project (the folder of dvc.yaml), as `dvc` shows them.
    const local = (path: string) =>
      folder !== '' && path.startsWith(`${folder}/`) ? path.slice(folder.length + 1) : path;
    const dataFor = (path: string, at: string) =>
      draft.dataItem(`dvc-path:${path}`, path.slice(path.lastIndexOf('/') + 1) || path, {
        name: local(path),
        kind: isModel(path) ? 'model' : 'training_data',
        classification: isModel(path) ? 'confidential' : 'internal',
        source: doc.ref(at),
      });
    const storeFor = (path: string, at: string) => {
      const store = draft.component(
        `dvc-path:${path}`,
        path.slice(path.lastIndexOf('/') + 1) || path,
        {
          kind: isModel(path) ? 'artifact_store' : 'data_store',
          name: local(path),
          description: `\`${local(path)}\`, tracked by DVC.`,
          source: doc.ref(at),
        },
      );
      draft.group('dvc-tracked').add(store.id);
      return store;
    };
    for (const stage of stages) {
      const consumer = stage.component as DraftComponent;
      for (const dep of stage.deps) {
        if (isCodePath(dep.path) && !isModel(dep.path)) continue;
        const producers = stages.filter(
          (s) => s !== stage && s.outs.some((o) => covers(o.path, dep.path)),
        );
        const item = dataFor(dep.path, dep.pointer);
        if (producers.length === 0) {
          const store = storeFor(dep.path, dep.pointer);
          draft.holds(store, item.id);
          draft.flow(store, consumer, { source: doc.ref(dep.pointer), data: [item.id] });
        }
        for (const producer of producers)
          draft.flow(producer.component as DraftComponent, consumer, {
            source: doc.ref(dep.pointer),
            data: [item.id],
          });
      }
      for (const out of stage.outs) {
        const read = stages.some(
          (s) => s !== stage && s.deps.some((d) => covers(out.path, d.path)),
        );
        if (read) continue;
        const item = dataFor(out.path, out.pointer);
        const store = storeFor(out.path, out.pointer);
        draft.holds(store, item.id);
        draft.flow(consumer, store, { source: doc.ref(out.pointer), data: [item.id] });
      }
    }
    draft.usedFormat('DVC');
  },
};

export const dvcLockImporter: FormatImporter = {
  format: 'DVC',
  looksLike: (path, text) =>
    /(^|\/)dvc\.lock$/.test(path) || (DVC_STAGES.test(text) && /\bmd5:/.test(text)),
  recognise(doc) {
    const root = asRecord(doc.value);
    return (
      isRecord(root['stages']) &&
      Object.values(root['stages']).some(
        (s) =>
          isRecord(s) &&
          asArray(s['deps'])
            .concat(asArray(s['outs']))
            .some((d) => isRecord(d) && 'path' in d),
      )
    );
  },
  read(doc, draft) {
    const folder = folderOf(doc.file.path);
    for (const [name, value] of Object.entries(asRecord(asRecord(doc.value)['stages']))) {
      const key = stageKey(folder, name);
      if (!draft.has(key)) continue;
      const stageId = draft.idFor(key, name);
      const stage = asRecord(value);
      for (const section of ['deps', 'outs'] as const) {
        asArray(stage[section]).forEach((entry, index) => {
          const e = asRecord(entry);
          const path = asString(e['path']);
          // DVC 2 writes `md5:`; DVC 3 writes `hash: md5` beside it. Either is a content hash.
          const hashKey = ['md5', 'sha256', 'etag', 'checksum'].find(
            (k) => typeof e[k] === 'string',
          );
          if (path === undefined || hashKey === undefined) return;
          const full = joinPath(STAGE_FOLDERS.get(draft)?.get(key) ?? folder, path);
          const dataKey = `data:dvc-path:${full}`;
          if (!draft.has(dataKey)) return;
          const dataId = draft.idFor(dataKey, full);
          const ref = doc.ref(pointer('stages', name, section, index, hashKey));
          for (const flow of draft.flows) {
            const touches = section === 'deps' ? flow.to === stageId : flow.from === stageId;
            if (touches && flow.data.includes(dataId) && !flow.controls.has('artifact_checksums'))
              flow.controls.set('artifact_checksums', ref);
          }
        });
      }
    }
    draft.usedFormat('DVC');
  },
};

/** `.dvc/config`: INI sections `['remote "name"']` (or `[remote "name"]`) with `url = …`. */
export const dvcConfigImporter: FormatImporter = {
  format: 'DVC',
  looksLike: (path) => /(^|\/)\.dvc\/config(\.local)?$/.test(path),
  readText(file: EvidenceFile, draft: DraftBuilder) {
    let remote: string | undefined;
    let offset = 0;
    let found = false;
    for (const line of file.text.split('\n')) {
      const section = /^\s*\[\s*'?\s*remote\s+"([^"]+)"\s*'?\s*\]/.exec(line);
      if (section) remote = section[1];
      else if (/^\s*\[/.test(line)) remote = undefined;
      const url = /^\s*url\s*=\s*(\S+)/.exec(line);
      if (remote !== undefined && url?.[1] !== undefined) {
        const start = offset + line.indexOf(url[1]);
        const ref = file.ref({ start, end: start + url[1].length });
        const store = storageComponent(draft, url[1], ref, 'data');
        store.notes.set('x-dvc-remote', remote);
        // Every DVC-tracked store in this repository is pushed to and pulled from the remote.
        for (const id of draft.group('dvc-tracked')) {
          const component = draft.components.get(id);
          if (component)
            draft.flow(component, store, { source: ref, protocol: store.tech ?? 'dvc' });
        }
        found = true;
      }
      offset += line.length + 1;
    }
    if (found) draft.usedFormat('DVC');
    return found;
  },
};
