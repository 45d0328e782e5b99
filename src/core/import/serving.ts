/**
 * Model serving on Kubernetes:
 * - KServe `InferenceService` in both API groups (`serving.kserve.io/v1beta1` and the older
 *   `serving.kubeflow.org/v1beta1` / `v1alpha2` with `spec.default`): the predictor is a serving
 *   endpoint whose framework is `predictor.<framework>` or `predictor.model.modelFormat.name`;
 *   a transformer (and an explainer) is its own component in front of it; `storageUri` is the
 *   model's source (a flow carrying the model).
 * - Seldon Core v2 (`mlops.seldon.io/v1alpha1`): `Model` (`storageUri`, `requirements`),
 *   `Pipeline` (steps whose `inputs` name `step`, `step.outputs[.TENSOR]` or
 *   `pipeline.inputs[.TENSOR]`; `triggers` gate a step and carry no data), `Experiment`
 *   (traffic split over `candidates`).
 * Every workload is placed in a drafted boundary for its namespace (omitted: `default`), with its
 * pod labels so NetworkPolicy and Istio policies can find it (see `mesh.ts`).
 */
import { pointer } from '../parse/pointer';
import type { DraftBuilder, DraftComponent } from './draft';
import {
  asArray,
  asRecord,
  asString,
  isRecord,
  type EvidenceDoc,
  type SourceRef,
} from './evidence';
import { storageComponent, type FormatImporter } from './importer';

const KSERVE_FRAMEWORKS = [
  'sklearn',
  'xgboost',
  'lightgbm',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'pmml',
  'paddle',
  'huggingface',
  'mlflow',
] as const;

/** The drafted boundary of a Kubernetes namespace. */
export function namespaceBoundary(
  draft: DraftBuilder,
  namespace: string,
  source: SourceRef,
): string {
  return draft.boundary(`namespace:${namespace}`, `ns-${namespace}`, {
    name: `Namespace ${namespace}`,
    trust: 'trusted',
    description: `Drafted from the Kubernetes namespace \`${namespace}\`. Review its trust.`,
    source,
  }).id;
}

export function namespaceOf(value: Record<string, unknown>): string {
  return asString(asRecord(value['metadata'])['namespace']) ?? 'default';
}

function sidecarDisabled(
  doc: EvidenceDoc,
  metadataPointer: string,
  metadata: Record<string, unknown>,
): SourceRef | undefined {
  for (const section of ['annotations', 'labels'])
    if (asString(asRecord(metadata[section])['sidecar.istio.io/inject']) === 'false')
      return doc.ref(`${metadataPointer}/${section}/sidecar.istio.io~1inject`);
  return undefined;
}

export const kserveImporter: FormatImporter = {
  format: 'KServe',
  looksLike: (_path, text) =>
    /serving\.(kserve\.io|kubeflow\.org)\//.test(text) && /InferenceService/.test(text),
  recognise(doc) {
    const v = asRecord(doc.value);
    return (
      /^serving\.(kserve\.io|kubeflow\.org)\//.test(asString(v['apiVersion']) ?? '') &&
      v['kind'] === 'InferenceService'
    );
  },
  read(doc, draft) {
    const v = asRecord(doc.value);
    const metadata = asRecord(v['metadata']);
    const name = asString(metadata['name']) ?? doc.file.name;
    const namespace = namespaceOf(v);
    const boundary = namespaceBoundary(draft, namespace, doc.ref('/metadata'));
    const spec = asRecord(v['spec']);
    // v1alpha2 (serving.kubeflow.org) nests the components under `default:`.
    const legacy = isRecord(spec['default']);
    const base = legacy ? '/spec/default' : '/spec';
    const parts = legacy ? asRecord(spec['default']) : spec;
    const labels = asRecord(metadata['labels']);
    const clusterLocal =
      asString(labels['networking.kserve.io/visibility']) === 'cluster-local' ||
      asString(labels['serving.knative.dev/visibility']) === 'cluster-local';
    const noSidecar = sidecarDisabled(doc, '/metadata', metadata);
    const workload = (component: string) => ({
      namespace,
      labels: {
        ...Object.fromEntries(
          Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
        ),
        'serving.kserve.io/inferenceservice': name,
        component,
        app: `${name}-${component}`,
      },
      ...(noSidecar && { sidecarInjectionDisabled: noSidecar }),
    });

    const predictor = asRecord(parts['predictor']);
    let framework: string | undefined;
    let storage: { uri: string; at: string } | undefined;
    const model = asRecord(predictor['model']);
    if (isRecord(predictor['model'])) {
      framework = asString(asRecord(model['modelFormat'])['name']);
      const uri = asString(model['storageUri']);
      if (uri !== undefined) storage = { uri, at: `${base}/predictor/model/storageUri` };
    }
    for (const f of KSERVE_FRAMEWORKS) {
      if (!isRecord(predictor[f])) continue;
      framework ??= f;
      const uri = asString(asRecord(predictor[f])['storageUri']);
      if (uri !== undefined) storage ??= { uri, at: `${base}/predictor/${f}/storageUri` };
    }
    const image = asString(asRecord(asArray(predictor['containers'])[0])['image']);
    const p = draft.component(`kserve:${namespace}:${name}:predictor`, name, {
      kind: 'serving_endpoint',
      name: `${name} predictor`,
      description: `KServe InferenceService \`${name}\` predictor${framework !== undefined ? ` (${framework})` : ''}.`,
      boundary,
      tech: ['kserve', framework].filter((t) => t !== undefined).join(' '),
      source: doc.ref(`${base}/predictor`),
      ...(clusterLocal && { exposure: 'internal' as const }),
    });
    p.workload = workload('predictor');
    if (image !== undefined) p.notes.set('x-image', image);
    if (storage) {
      const item = draft.dataItem(`model:${storage.uri}`, `${name}-model`, {
        name: `${name} model`,
        kind: 'model',
        classification: 'confidential',
        source: doc.ref(storage.at),
      });
      const store = storageComponent(draft, storage.uri, doc.ref(storage.at), 'model');
      draft.holds(store, item.id);
      draft.holds(p, item.id);
      draft.flow(store, p, {
        source: doc.ref(storage.at),
        data: [item.id],
        protocol: store.tech ?? 'storage',
      });
    }
    for (const role of ['transformer', 'explainer'] as const) {
      if (!isRecord(parts[role])) continue;
      const c = draft.component(`kserve:${namespace}:${name}:${role}`, `${name}-${role}`, {
        kind: 'serving_endpoint',
        name: `${name} ${role}`,
        description: `KServe InferenceService \`${name}\` ${role}.`,
        boundary,
        tech: 'kserve',
        source: doc.ref(`${base}/${role}`),
        ...(clusterLocal && { exposure: 'internal' as const }),
      });
      c.workload = workload(role);
      const roleImage = asString(
        asRecord(asArray(asRecord(parts[role])['containers'])[0])['image'],
      );
      if (roleImage !== undefined) c.notes.set('x-image', roleImage);
      draft.flow(c, p, { source: doc.ref(`${base}/${role}`), protocol: 'http' });
    }
    draft.usedFormat('KServe');
  },
};

const SELDON_KINDS = new Set(['Model', 'Pipeline', 'Experiment']);

export const seldonImporter: FormatImporter = {
  format: 'Seldon Core',
  looksLike: (_path, text) => /mlops\.seldon\.io\//.test(text),
  recognise(doc) {
    const v = asRecord(doc.value);
    return (
      /^mlops\.seldon\.io\//.test(asString(v['apiVersion']) ?? '') &&
      SELDON_KINDS.has(asString(v['kind']) ?? '')
    );
  },
  read(doc, draft) {
    const v = asRecord(doc.value);
    const name = asString(asRecord(v['metadata'])['name']) ?? doc.file.name;
    const namespace = namespaceOf(v);
    const boundary = namespaceBoundary(draft, namespace, doc.ref('/metadata'));
    const spec = asRecord(v['spec']);
    const modelComponent = (model: string, source: SourceRef) =>
      draft.component(`seldon:${namespace}:model:${model}`, model, {
        kind: 'serving_endpoint',
        name: model,
        description: `Seldon model \`${model}\`.`,
        boundary,
        tech: 'seldon',
        source,
      });
    const kind = asString(v['kind']);
    if (kind === 'Model') {
      const c = modelComponent(name, doc.ref('/metadata/name'));
      const requirements = asArray(spec['requirements']).filter(
        (r): r is string => typeof r === 'string',
      );
      if (requirements.length > 0) c.tech = ['seldon', ...requirements].join(' ');
      c.workload = { namespace, labels: { 'seldon.io/model': name } };
      const uri = asString(spec['storageUri']);
      if (uri !== undefined) {
        const item = draft.dataItem(`model:${uri}`, `${name}-model`, {
          name: `${name} model`,
          kind: 'model',
          classification: 'confidential',
          source: doc.ref('/spec/storageUri'),
        });
        const store = storageComponent(draft, uri, doc.ref('/spec/storageUri'), 'model');
        draft.holds(store, item.id);
        draft.holds(c, item.id);
        draft.flow(store, c, {
          source: doc.ref('/spec/storageUri'),
          data: [item.id],
          protocol: store.tech ?? 'storage',
        });
      }
    } else if (kind === 'Pipeline') {
      const entry = draft.component(`seldon:${namespace}:pipeline:${name}`, name, {
        kind: 'serving_endpoint',
        name: `${name} pipeline`,
        description: `Seldon pipeline \`${name}\`: its inputs enter here, its output leaves here.`,
        boundary,
        tech: 'seldon',
        source: doc.ref('/metadata/name'),
      });
      const steps = new Map<string, DraftComponent>();
      asArray(spec['steps']).forEach((step, index) => {
        const s = asRecord(step);
        const stepName = asString(s['name']);
        if (stepName === undefined) return;
        steps.set(stepName, modelComponent(stepName, doc.ref(`/spec/steps/${index}`)));
      });
      const referenced = (ref: string): DraftComponent | undefined => {
        const head = ref.split('.')[0] ?? ref;
        // `<pipeline>.inputs` (this pipeline's, or another pipeline's) enters through its entry.
        if (/\.inputs(\.|$)/.test(ref))
          return head === name
            ? entry
            : draft.components.get(draft.idFor(`seldon:${namespace}:pipeline:${head}`, head));
        return steps.get(head);
      };
      asArray(spec['steps']).forEach((step, index) => {
        const s = asRecord(step);
        const to = steps.get(asString(s['name']) ?? '');
        if (!to) return;
        const inputs = asArray(s['inputs']);
        if (inputs.length === 0 && index === 0)
          draft.flow(entry, to, { source: doc.ref(`/spec/steps/${index}`) });
        inputs.forEach((input, i) => {
          const from = typeof input === 'string' ? referenced(input) : undefined;
          if (from) draft.flow(from, to, { source: doc.ref(`/spec/steps/${index}/inputs/${i}`) });
        });
        // `triggers` only gate the step: no data flows from them.
      });
      asArray(asRecord(spec['output'])['steps']).forEach((ref, i) => {
        const from = typeof ref === 'string' ? referenced(ref) : undefined;
        if (from)
          draft.flow(from, entry, { source: doc.ref(pointer('spec', 'output', 'steps', i)) });
      });
    } else if (kind === 'Experiment') {
      const split = draft.component(`seldon:${namespace}:experiment:${name}`, name, {
        kind: 'api_gateway',
        name: `${name} experiment`,
        description: `Seldon experiment \`${name}\`: splits traffic over its candidates.`,
        boundary,
        tech: 'seldon',
        source: doc.ref('/metadata/name'),
      });
      const resource = asString(spec['resourceType']) === 'pipeline' ? 'pipeline' : 'model';
      asArray(spec['candidates']).forEach((candidate, i) => {
        const target = asString(asRecord(candidate)['name']);
        if (target === undefined) return;
        const to =
          resource === 'pipeline'
            ? draft.component(`seldon:${namespace}:pipeline:${target}`, target, {
                kind: 'serving_endpoint',
                name: `${target} pipeline`,
                boundary,
                tech: 'seldon',
                source: doc.ref(`/spec/candidates/${i}`),
              })
            : modelComponent(target, doc.ref(`/spec/candidates/${i}`));
        draft.flow(split, to, { source: doc.ref(`/spec/candidates/${i}`) });
      });
    }
    draft.usedFormat('Seldon Core');
  },
};
