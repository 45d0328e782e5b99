/**
 * Kubeflow Pipelines v2 IR (the compiled pipeline YAML/JSON: `pipelineInfo`, `root.dag.tasks`,
 * `components`, `deploymentSpec.executors`), also inside a Vertex AI pipeline job's
 * `pipelineSpec`. Tasks become components keyed by their task key (the display name is
 * `taskInfo.name`); a task's image is reached through `componentRef.name` → the component's
 * `executorLabel` → `deploymentSpec.executors`; sub-DAGs (`components.*.dag`) are expanded with
 * their parent's key as prefix. Flows come from `taskOutputArtifact.producerTask`,
 * `taskOutputParameter.producerTask` and `dependentTasks`; importer executors' URIs are sources.
 * An image pinned by digest is `artifact_checksums`; one that is not is reported (MLTM504).
 */
import { pointer } from '../parse/pointer';
import { problem } from '../problems';
import type { DraftBuilder, DraftComponent } from './draft';
import { asArray, asRecord, asString, isRecord, type EvidenceDoc } from './evidence';
import { imagePinned, kindFromName, storageComponent, type FormatImporter } from './importer';

function isPipelineSpec(value: unknown): boolean {
  const v = asRecord(value);
  return isRecord(v['pipelineInfo']) && isRecord(asRecord(v['root'])['dag']);
}

/** The kind of a task from what its component outputs (system.Model, system.Metrics, ...). */
function kindOf(component: Record<string, unknown>, name: string): string {
  const outputs = Object.values(asRecord(asRecord(component['outputDefinitions'])['artifacts']));
  const types = outputs.map(
    (o) => asString(asRecord(asRecord(o)['artifactType'])['schemaTitle']) ?? '',
  );
  if (types.includes('system.Model')) return 'training_job';
  if (types.some((t) => /Metrics$/.test(t))) return 'evaluation';
  if (types.includes('system.Dataset')) return 'data_ingestion';
  return kindFromName(name);
}

/** An importer executor's URI: `artifactUri.constant` (IR 2.1) or `artifactUri.constantValue.stringValue`. */
function importerUri(
  executor: Record<string, unknown>,
): { uri: string; path: string[] } | undefined {
  const artifactUri = asRecord(asRecord(executor['importer'])['artifactUri']);
  const constant = asString(artifactUri['constant']);
  if (constant !== undefined)
    return { uri: constant, path: ['importer', 'artifactUri', 'constant'] };
  const old = asString(asRecord(artifactUri['constantValue'])['stringValue']);
  if (old !== undefined)
    return { uri: old, path: ['importer', 'artifactUri', 'constantValue', 'stringValue'] };
  return undefined;
}

export const kfpImporter: FormatImporter = {
  format: 'Kubeflow Pipelines',
  looksLike: (_path, text) => /pipelineInfo/.test(text) && /deploymentSpec|root/.test(text),
  recognise: (doc) =>
    isPipelineSpec(doc.value) || isPipelineSpec(asRecord(doc.value)['pipelineSpec']),
  read(whole, draft) {
    const doc = isPipelineSpec(whole.value)
      ? whole
      : whole.within('/pipelineSpec', asRecord(whole.value)['pipelineSpec']);
    readSpec(doc, draft);
    draft.usedFormat('Kubeflow Pipelines');
  },
};

function readSpec(doc: EvidenceDoc, draft: DraftBuilder): void {
  const spec = asRecord(doc.value);
  const pipelineName = asString(asRecord(spec['pipelineInfo'])['name']) ?? doc.file.name;
  const components = asRecord(spec['components']);
  const executors = asRecord(asRecord(spec['deploymentSpec'])['executors']);
  const key = (taskPath: string) => `kfp:${doc.file.path}:${pipelineName}:${taskPath}`;

  /** Drafts the tasks of one DAG; returns task key → component, for its parent's edges. */
  const readDag = (
    dag: Record<string, unknown>,
    dagPointer: string,
    prefix: string,
    parentInputs: Map<string, DraftComponent[]>,
  ): Map<string, DraftComponent> => {
    const tasks = asRecord(dag['tasks']);
    const drafted = new Map<string, DraftComponent>();
    const subDags: [string, Record<string, unknown>, string][] = [];
    for (const [taskKey, value] of Object.entries(tasks)) {
      const task = asRecord(value);
      const taskPointer = `${dagPointer}/tasks/${taskKey.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const refName = asString(asRecord(task['componentRef'])['name']) ?? '';
      const component = asRecord(components[refName]);
      if (isRecord(component['dag'])) {
        subDags.push([taskKey, component, pointer('components', refName, 'dag')]);
        continue;
      }
      const display = asString(asRecord(task['taskInfo'])['name']) ?? taskKey;
      const label = asString(component['executorLabel']);
      const executor = asRecord(label !== undefined ? executors[label] : undefined);
      const executorPointer = pointer('deploymentSpec', 'executors', label ?? '');
      const imported = importerUri(executor);
      if (imported) {
        const store = storageComponent(
          draft,
          imported.uri,
          doc.ref(`${executorPointer}/${imported.path.join('/')}`),
          'data',
        );
        drafted.set(taskKey, store);
        continue;
      }
      const c = draft.component(key(prefix + taskKey), prefix + taskKey, {
        kind: kindOf(component, display),
        name: display,
        description: `Kubeflow pipeline \`${pipelineName}\` task \`${prefix}${taskKey}\`.`,
        source: doc.ref(taskPointer),
      });
      const image = asString(asRecord(executor['container'])['image']);
      if (image !== undefined) {
        c.notes.set('x-image', image);
        const imageRef = doc.ref(`${executorPointer}/container/image`);
        if (imagePinned(image)) draft.claim(c, 'artifact_checksums', imageRef);
        else
          draft.report(
            doc.file.path,
            problem(
              'MLTM504',
              `Task \`${taskKey}\` runs image \`${image}\`, not pinned by digest (@sha256:…); the image can change under the same tag.`,
              doc.valueRange(`${executorPointer}/container/image`),
            ),
          );
      }
      drafted.set(taskKey, c);
    }
    for (const [taskKey, component, subPointer] of subDags) {
      const inner = readDag(
        asRecord(component['dag']),
        subPointer,
        `${prefix}${taskKey}.`,
        inputsOf(taskKey),
      );
      for (const [innerKey, c] of inner) drafted.set(`${taskKey}/${innerKey}`, c);
      drafted.set(taskKey, [...inner.values()][0] as DraftComponent);
    }
    // Edges: data from producer tasks, then plain ordering (dependentTasks) with no data.
    function inputsOf(taskKey: string): Map<string, DraftComponent[]> {
      const task = asRecord(tasks[taskKey]);
      const inputs = new Map<string, DraftComponent[]>();
      for (const section of ['artifacts', 'parameters'] as const)
        for (const [name, input] of Object.entries(asRecord(asRecord(task['inputs'])[section]))) {
          const i = asRecord(input);
          const producer =
            asString(asRecord(i['taskOutputArtifact'])['producerTask']) ??
            asString(asRecord(i['taskOutputParameter'])['producerTask']);
          const from = producer !== undefined ? drafted.get(producer) : undefined;
          const fromParent =
            asString(i['componentInputArtifact']) ?? asString(i['componentInputParameter']);
          const sources = from
            ? [from]
            : fromParent !== undefined
              ? (parentInputs.get(fromParent) ?? [])
              : [];
          inputs.set(name, sources);
        }
      return inputs;
    }
    /** A data item for a producer task's output artifact, typed by its schema title. */
    const artifactData = (producer: string, outputKey: string, at: string): string | undefined => {
      const refName = asString(asRecord(asRecord(tasks[producer])['componentRef'])['name']) ?? '';
      const artifact = asRecord(
        asRecord(asRecord(asRecord(components[refName])['outputDefinitions'])['artifacts'])[
          outputKey
        ],
      );
      const title = asString(asRecord(artifact['artifactType'])['schemaTitle']) ?? '';
      const kind =
        title === 'system.Model' ? 'model' : /Metrics$/.test(title) ? 'logs' : 'training_data';
      return draft.dataItem(
        key(`${prefix}${producer}:${outputKey}`),
        `${prefix}${producer}-${outputKey}`,
        {
          name: `${producer} ${outputKey} (${title || 'artifact'})`,
          kind,
          classification: kind === 'model' ? 'confidential' : 'internal',
          source: doc.ref(at),
        },
      ).id;
    };
    for (const [taskKey, value] of Object.entries(tasks)) {
      const task = asRecord(value);
      const to = drafted.get(taskKey);
      if (!to) continue;
      const taskPointer = `${dagPointer}/tasks/${taskKey.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const inner = [...drafted.entries()]
        .filter(([k]) => k.startsWith(`${taskKey}/`))
        .map(([, c]) => c);
      const targets = inner.length > 0 ? inner : [to];
      for (const section of ['artifacts', 'parameters'] as const)
        for (const [name, input] of Object.entries(asRecord(asRecord(task['inputs'])[section]))) {
          const i = asRecord(input);
          const ref =
            asRecord(i['taskOutputArtifact'])['producerTask'] !== undefined
              ? 'taskOutputArtifact'
              : 'taskOutputParameter';
          const producer = asString(asRecord(i[ref])['producerTask']);
          const fromParent =
            asString(i['componentInputArtifact']) ?? asString(i['componentInputParameter']);
          const sources =
            producer !== undefined
              ? [drafted.get(producer)].filter((c): c is DraftComponent => c !== undefined)
              : fromParent !== undefined
                ? (parentInputs.get(fromParent) ?? [])
                : [];
          if (producer !== undefined && !drafted.has(producer))
            draft.report(
              doc.file.path,
              problem(
                'MLTM506',
                `Task \`${taskKey}\` reads from \`${producer}\`, which is not a task of this DAG.`,
                doc.valueRange(`${taskPointer}/inputs/${section}/${name}/${ref}/producerTask`),
              ),
            );
          const outputKey = asString(asRecord(i['taskOutputArtifact'])['outputArtifactKey']);
          const data =
            producer !== undefined && outputKey !== undefined
              ? artifactData(producer, outputKey, `${taskPointer}/inputs/${section}/${name}`)
              : undefined;
          for (const from of sources)
            for (const target of inner.length > 0 ? [] : targets)
              draft.flow(from, target, {
                source: doc.ref(`${taskPointer}/inputs/${section}/${name}`),
                ...(data !== undefined && { data: [data] }),
              });
        }
      asArray(task['dependentTasks']).forEach((dependency, index) => {
        const from = typeof dependency === 'string' ? drafted.get(dependency) : undefined;
        if (from && inner.length === 0)
          draft.flow(from, to, { source: doc.ref(`${taskPointer}/dependentTasks/${index}`) });
      });
    }
    return drafted;
  };
  readDag(asRecord(asRecord(spec['root'])['dag']), '/root/dag', '', new Map());
}
