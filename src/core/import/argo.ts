/**
 * Argo Workflows (`argoproj.io/v1alpha1` Workflow, WorkflowTemplate, ClusterWorkflowTemplate,
 * CronWorkflow's `spec.workflowSpec`). The tasks of DAG templates and the steps of steps
 * templates become components; flows come from `depends:` expressions (task names in them),
 * the older `dependencies: [...]`, the order of `steps` (a list of lists: each group runs after
 * the one before) and artifact passing (`from: "{{tasks.x.outputs.artifacts.y}}"`). Artifacts
 * with a repository (`s3`, `gcs`, `http`, `git`, ...) are storage components. Workflows often
 * carry only `generateName`; its stem names the workflow.
 */
import { problem } from '../problems';
import type { DraftBuilder, DraftComponent } from './draft';
import { asArray, asRecord, asString, isRecord, type EvidenceDoc } from './evidence';
import { imagePinned, kindFromName, storageComponent, type FormatImporter } from './importer';

const ARGO_KINDS = new Set([
  'Workflow',
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'CronWorkflow',
]);
const REPOSITORIES = ['s3', 'gcs', 'azure', 'oss', 'hdfs', 'http', 'git', 'artifactory'] as const;

/** Task names mentioned in a `depends:` expression (`a && (b.Succeeded || c.Failed)`). */
export function dependsTasks(expression: string): string[] {
  const names = new Set<string>();
  for (const match of expression.matchAll(/[A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z]+)?/g)) {
    const name = match[0].replace(
      /\.(Succeeded|Failed|Errored|Skipped|Omitted|Daemoned|AnySucceeded|AllFailed)$/,
      '',
    );
    names.add(name);
  }
  return [...names];
}

/** A repository URI for an artifact (`s3://bucket/key`, `gs://…`, the http URL, the git repo). */
function artifactUri(artifact: Record<string, unknown>): { uri: string; key: string } | undefined {
  for (const repo of REPOSITORIES) {
    const r = asRecord(artifact[repo]);
    if (!isRecord(artifact[repo])) continue;
    if (repo === 's3')
      return {
        uri: `s3://${asString(r['bucket']) ?? 'default'}/${asString(r['key']) ?? ''}`,
        key: repo,
      };
    if (repo === 'gcs')
      return {
        uri: `gs://${asString(r['bucket']) ?? 'default'}/${asString(r['key']) ?? ''}`,
        key: repo,
      };
    if (repo === 'http' || repo === 'artifactory')
      return { uri: asString(r['url']) ?? 'https://unknown', key: repo };
    if (repo === 'git') return { uri: asString(r['repo']) ?? 'git://unknown', key: repo };
    if (repo === 'azure')
      return {
        uri: `az://${asString(r['container']) ?? 'default'}/${asString(r['blob']) ?? ''}`,
        key: repo,
      };
    return {
      uri: `${repo}://${asString(r['bucket']) ?? asString(r['path']) ?? 'default'}`,
      key: repo,
    };
  }
  return undefined;
}

export const argoImporter: FormatImporter = {
  format: 'Argo Workflows',
  looksLike: (_path, text) => /argoproj\.io\//.test(text),
  recognise(doc) {
    const v = asRecord(doc.value);
    return (
      /^argoproj\.io\//.test(asString(v['apiVersion']) ?? '') &&
      ARGO_KINDS.has(asString(v['kind']) ?? '')
    );
  },
  read(doc, draft) {
    const v = asRecord(doc.value);
    const metadata = asRecord(v['metadata']);
    const workflow =
      asString(metadata['name']) ??
      asString(metadata['generateName'])?.replace(/-+$/, '') ??
      doc.file.name;
    const cron = asString(v['kind']) === 'CronWorkflow';
    const specPointer = cron ? '/spec/workflowSpec' : '/spec';
    const spec = asRecord(cron ? asRecord(v['spec'])['workflowSpec'] : v['spec']);
    readWorkflow(doc, draft, workflow, spec, specPointer);
    draft.usedFormat('Argo Workflows');
  },
};

function readWorkflow(
  doc: EvidenceDoc,
  draft: DraftBuilder,
  workflow: string,
  spec: Record<string, unknown>,
  specPointer: string,
): void {
  const templates = new Map<string, { value: Record<string, unknown>; pointer: string }>();
  asArray(spec['templates']).forEach((t, index) => {
    const name = asString(asRecord(t)['name']);
    if (name !== undefined)
      templates.set(name, { value: asRecord(t), pointer: `${specPointer}/templates/${index}` });
  });
  const key = (task: string) => `argo:${doc.file.path}:${workflow}:${task}`;
  const outputsOf = (template: Record<string, unknown>) =>
    asArray(asRecord(template['outputs'])['artifacts']);

  const stepComponent = (
    name: string,
    templateName: string | undefined,
    at: string,
  ): DraftComponent => {
    const template = templateName !== undefined ? templates.get(templateName) : undefined;
    const t = template?.value ?? {};
    const writesModel = outputsOf(t).some(
      (a) =>
        /model/i.test(asString(asRecord(a)['name']) ?? '') ||
        /\.(pkl|pt|onnx|joblib|safetensors)$/i.test(asString(asRecord(a)['path']) ?? ''),
    );
    const c = draft.component(key(name), name, {
      kind: writesModel ? 'training_job' : kindFromName(`${name} ${templateName ?? ''}`),
      name,
      description: `Argo workflow \`${workflow}\` step \`${name}\`${templateName !== undefined ? ` (template \`${templateName}\`)` : ''}.`,
      source: doc.ref(at),
    });
    const body = asRecord(t['container'] ?? t['script']);
    const image = asString(body['image']);
    if (image !== undefined && template) {
      c.notes.set('x-image', image);
      const imagePointer = `${template.pointer}/${isRecord(t['container']) ? 'container' : 'script'}/image`;
      if (imagePinned(image)) draft.claim(c, 'artifact_checksums', doc.ref(imagePointer));
      else
        draft.report(
          doc.file.path,
          problem(
            'MLTM504',
            `Template \`${templateName}\` runs image \`${image}\`, not pinned by digest (@sha256:…).`,
            doc.valueRange(imagePointer),
          ),
        );
    }
    // Artifacts read from or written to a repository: storage components.
    if (template) {
      for (const [section, direction] of [
        ['inputs', 'in'],
        ['outputs', 'out'],
      ] as const)
        asArray(asRecord(t[section])['artifacts']).forEach((artifact, index) => {
          const a = asRecord(artifact);
          const uri = artifactUri(a);
          if (!uri) return;
          const at2 = `${template.pointer}/${section}/artifacts/${index}/${uri.key}`;
          const store = storageComponent(
            draft,
            uri.uri,
            doc.ref(at2),
            /model/i.test(asString(a['name']) ?? '') ? 'model' : 'data',
          );
          if (direction === 'in') draft.flow(store, c, { source: doc.ref(at2), protocol: uri.key });
          else draft.flow(c, store, { source: doc.ref(at2), protocol: uri.key });
        });
    }
    return c;
  };

  // Which step's outputs an argument reads: `{{tasks.x.outputs…}}` or `{{steps.x.outputs…}}`.
  const producersIn = (value: unknown): string[] =>
    [
      ...JSON.stringify(value ?? null).matchAll(
        /\{\{\s*(?:tasks|steps)\.([A-Za-z0-9_-]+)\.outputs/g,
      ),
    ].map((m) => m[1] as string);

  for (const { value: template, pointer: templatePointer } of templates.values()) {
    const dag = asRecord(template['dag']);
    if (isRecord(template['dag'])) {
      const tasks = asArray(dag['tasks']).map((t, index) => ({
        t: asRecord(t),
        at: `${templatePointer}/dag/tasks/${index}`,
      }));
      const byName = new Map<string, DraftComponent>();
      for (const { t, at } of tasks) {
        const name = asString(t['name']);
        if (name !== undefined) byName.set(name, stepComponent(name, asString(t['template']), at));
      }
      for (const { t, at } of tasks) {
        const to = byName.get(asString(t['name']) ?? '');
        if (!to) continue;
        const depends = asString(t['depends']);
        const edges: { from: string; at: string }[] = [
          ...(depends !== undefined
            ? dependsTasks(depends).map((from) => ({ from, at: `${at}/depends` }))
            : []),
          ...asArray(t['dependencies']).map((d, i) => ({
            from: asString(d) ?? '',
            at: `${at}/dependencies/${i}`,
          })),
          ...producersIn(t['arguments']).map((from) => ({ from, at: `${at}/arguments` })),
        ];
        for (const edge of edges) {
          const from = byName.get(edge.from);
          if (from) draft.flow(from, to, { source: doc.ref(edge.at) });
          else if (
            depends === undefined ||
            !/^(Succeeded|Failed|Errored|Skipped|Omitted|Daemoned)$/.test(edge.from)
          )
            draft.report(
              doc.file.path,
              problem(
                'MLTM506',
                `Task \`${asString(t['name'])}\` depends on \`${edge.from}\`, which is not a task of this DAG.`,
                doc.valueRange(edge.at),
              ),
            );
        }
      }
    }
    if (Array.isArray(template['steps'])) {
      let previous: DraftComponent[] = [];
      const byName = new Map<string, DraftComponent>();
      asArray(template['steps']).forEach((group, g) => {
        // `steps` is a list of lists; a group written as a single step mapping also occurs.
        const items = Array.isArray(group) ? group : [group];
        const current: DraftComponent[] = [];
        items.forEach((step, s) => {
          const st = asRecord(step);
          const name = asString(st['name']);
          if (name === undefined) return;
          const at = Array.isArray(group)
            ? `${templatePointer}/steps/${g}/${s}`
            : `${templatePointer}/steps/${g}`;
          const c = stepComponent(name, asString(st['template']), at);
          byName.set(name, c);
          current.push(c);
          const producers = producersIn(st['arguments']);
          for (const p of producers) {
            const from = byName.get(p);
            if (from) draft.flow(from, c, { source: doc.ref(`${at}/arguments`) });
          }
          if (producers.length === 0)
            for (const from of previous) draft.flow(from, c, { source: doc.ref(at) });
        });
        if (current.length > 0) previous = current;
      });
    }
  }
}
