/**
 * MLflow `MLmodel` files (the metadata of a logged model: `flavors`, `artifact_path`,
 * `model_uuid`, `signature`). The file has no name field, so the model is named after its folder.
 * The model becomes a data item held by an artifact store (the folder), and a drafted loader —
 * the process that loads it, through `python_function.loader_module` — receives it. The loader's
 * `tech` carries the flavours and the serialization facts that the unsafe-deserialization rule
 * matches: `serialization_format: cloudpickle` / `pickle` (scikit-learn), the pytorch flavour
 * (torch.save is pickle-based).
 */
import { problem } from '../problems';
import { asRecord, asString, isRecord } from './evidence';
import { folderOf, type FormatImporter } from './importer';

export const mlflowImporter: FormatImporter = {
  format: 'MLflow',
  looksLike: (path, text) =>
    /(^|\/)MLmodel$/.test(path) ||
    (/^flavors:/m.test(text) && /loader_module|mlflow_version|model_uuid/.test(text)),
  recognise(doc) {
    const v = asRecord(doc.value);
    return (
      isRecord(v['flavors']) &&
      (v['mlflow_version'] !== undefined ||
        v['model_uuid'] !== undefined ||
        v['artifact_path'] !== undefined ||
        isRecord(asRecord(v['flavors'])['python_function']))
    );
  },
  read(doc, draft) {
    const v = asRecord(doc.value);
    const folder = folderOf(doc.file.path);
    const name = doc.file.folderName || asString(v['artifact_path']) || 'mlflow-model';
    const flavors = asRecord(v['flavors']);
    const names = Object.keys(flavors).filter((f) => f !== 'python_function');
    const facts: string[] = [];
    let serializationAt: string | undefined;
    for (const [flavor, value] of Object.entries(flavors)) {
      const format = asString(asRecord(value)['serialization_format']);
      if (format !== undefined) {
        facts.push(format);
        serializationAt ??= `/flavors/${flavor}/serialization_format`;
      }
    }
    if (names.includes('pytorch') && !facts.includes('pickle')) facts.push('pickle');
    const item = draft.dataItem(`mlflow:${folder}`, name, {
      name: `${name} (MLflow model)`,
      kind: 'model',
      classification: 'confidential',
      source: doc.ref('/flavors'),
    });
    const store = draft.component(`mlflow:${folder}`, name, {
      kind: 'artifact_store',
      name: `${name} model folder`,
      description: `MLflow model folder \`${folder || '.'}\` (flavours: ${names.join(', ') || 'python_function'}).`,
      tech: 'mlflow',
      source: doc.ref(''),
    });
    draft.holds(store, item.id);
    const loaderModule = asString(asRecord(flavors['python_function'])['loader_module']);
    const loader = draft.component(`mlflow-loader:${folder}`, `${name}-loader`, {
      kind: 'serving_endpoint',
      name: `${name} loader`,
      description: `Drafted: the process that loads the MLflow model \`${name}\`${loaderModule !== undefined ? ` through ${loaderModule}` : ''}. Merge it into the service that serves the model.`,
      tech: ['mlflow', ...names, ...facts].join(' '),
      source: doc.ref(
        isRecord(flavors['python_function']) ? '/flavors/python_function' : '/flavors',
      ),
    });
    draft.holds(loader, item.id);
    if (serializationAt !== undefined) {
      loader.notes.set('x-serialization', facts.join(', '));
      if (facts.some((f) => /pickle/.test(f)))
        draft.report(
          doc.file.path,
          problem(
            'MLTM506',
            `The model is serialized with ${facts.join(', ')}: loading it runs code, so only load it from a trusted, integrity-checked source.`,
            doc.valueRange(serializationAt),
            { severity: 'info' },
          ),
        );
    }
    draft.flow(store, loader, { source: doc.ref('/flavors'), data: [item.id] });
    draft.usedFormat('MLflow');
  },
};
