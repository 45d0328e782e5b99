/**
 * docker-compose / Compose Specification files (`services:` with `image` or `build`; `version:`
 * optional). Services become components, their kind guessed from the image (postgres → data
 * store, mlflow → experiment tracker, qdrant → vector database, ...). Published `ports` are the
 * exposure (`127.0.0.1:` bindings internal, others public; `expose:` only private); networks
 * are drafted boundaries. `depends_on` is start order, not data flow: flows come from other
 * services named as hosts in environment values (`postgres://db:5432`), and only the host is
 * used — environment values are never copied. A literal credential in `environment` is reported
 * (MLTM503), never copied; a service that takes its secrets from `secrets:` and has no literal
 * credential has `secrets_management`. `include:`, `profiles` and `env_file` are noted.
 */
import { pointer } from '../parse/pointer';
import { problem } from '../problems';
import type { DraftComponent } from './draft';
import { asArray, asRecord, asString, isRecord } from './evidence';
import { folderOf, imagePinned, type FormatImporter } from './importer';

const KIND_BY_IMAGE: readonly [RegExp, string, string][] = [
  [/(^|\/)(postgres|postgis|mysql|mariadb|mongo|cassandra|clickhouse|mssql)/, 'data_store', ''],
  [/(^|\/)(redis|valkey|memcached)/, 'data_store', ''],
  [/pgvector|qdrant|weaviate|milvus|chroma|pinecone/, 'vector_db', ''],
  [/(^|\/)minio/, 'artifact_store', 'minio'],
  [/mlflow/, 'experiment_tracker', 'mlflow'],
  [/feast/, 'feature_store', 'feast'],
  [/(^|\/)(nginx|traefik|envoy|kong|haproxy|caddy)/, 'api_gateway', ''],
  [/(^|\/)(prometheus|grafana|loki|elasticsearch|opensearch|kibana|jaeger)/, 'monitoring', ''],
  [/(^|\/)(kafka|rabbitmq|nats|redpanda|zookeeper)/, 'data_ingestion', ''],
  [
    /vllm|ollama|text-generation-inference|tritonserver|torchserve|tensorflow\/serving|seldon|bentoml|kserve/,
    'serving_endpoint',
    '',
  ],
  [/label-studio|cvat|doccano/, 'labeling', ''],
  [/airflow|prefect|dagster|argo|jenkins/, 'ci_cd', ''],
];

const CREDENTIAL_NAME =
  /(pass(word)?|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential)/i;

/** Whether an environment value is a literal (not `${VAR}` interpolation, not empty). */
function isLiteral(value: string): boolean {
  return (
    value.trim() !== '' && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}?$/.test(value.trim())
  );
}

export const composeImporter: FormatImporter = {
  format: 'docker-compose',
  looksLike: (path, text) =>
    /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(path) || /^services:\s*$/m.test(text),
  recognise(doc) {
    const services = asRecord(doc.value)['services'];
    return (
      isRecord(services) &&
      Object.values(services).some(
        (s) => isRecord(s) && (s['image'] !== undefined || s['build'] !== undefined),
      )
    );
  },
  read(doc, draft) {
    const root = asRecord(doc.value);
    const project = asString(root['name']) ?? (doc.file.folderName || 'compose');
    const services = asRecord(root['services']);
    // Files of one folder are one Compose project (compose.yaml + compose.override.yaml merge).
    const folder = folderOf(doc.file.path);
    const project_ = draft.group(`compose:${folder}`);
    const components = new Map<string, DraftComponent>();
    asArray(root['include']).forEach((_, i) =>
      draft.report(
        doc.file.path,
        problem(
          'MLTM506',
          'This file includes another Compose file; import that file too (name it or its folder).',
          doc.range(`/include/${i}`),
          { severity: 'info' },
        ),
      ),
    );
    for (const [name, value] of Object.entries(services)) {
      const s = asRecord(value);
      const at = pointer('services', name);
      const image = asString(s['image']);
      const match =
        image !== undefined
          ? KIND_BY_IMAGE.find(([re]) => re.test(image.toLowerCase()))
          : undefined;
      const networks = Array.isArray(s['networks'])
        ? asArray(s['networks']).map((n) => asString(n) ?? '')
        : Object.keys(asRecord(s['networks']));
      const network = networks[0];
      const boundary =
        network !== undefined
          ? draft.boundary(`compose:${folder}:${network}`, network, {
              name: `Network ${network}`,
              trust: 'trusted',
              description: `Drafted from the Compose network \`${network}\` of ${project}. Review its trust.`,
              source: doc.ref(
                Array.isArray(s['networks'])
                  ? `${at}/networks/0`
                  : pointer('services', name, 'networks', network),
              ),
            }).id
          : undefined;
      const ports = asArray(s['ports']);
      let exposure: 'public' | 'internal' | 'private' = ports.length > 0 ? 'internal' : 'private';
      for (const port of ports) {
        const text =
          typeof port === 'string' || typeof port === 'number'
            ? String(port)
            : asString(asRecord(port)['host_ip']) !== undefined
              ? `${asString(asRecord(port)['host_ip'])}:`
              : String(asRecord(port)['published'] ?? '');
        if (!/^(127\.0\.0\.1|localhost|\[?::1\]?):/.test(text)) exposure = 'public';
      }
      const c = draft.component(`compose:${folder}:${name}`, name, {
        kind: match?.[1] ?? 'x-service',
        name,
        description: `Compose service \`${name}\` of ${project}${image !== undefined ? ` (image ${image})` : ' (built from source)'}.`,
        ...(boundary !== undefined && { boundary }),
        ...(match?.[2] && { tech: match[2] }),
        exposure,
        source: doc.ref(at),
      });
      if (image !== undefined) {
        c.notes.set('x-image', image);
        if (imagePinned(image)) draft.claim(c, 'artifact_checksums', doc.ref(`${at}/image`));
      }
      if (networks.length > 1) c.notes.set('x-networks', networks.join(', '));
      const profiles = asArray(s['profiles'])
        .map((p) => asString(p))
        .filter((p) => p !== undefined);
      if (profiles.length > 0) c.notes.set('x-compose-profiles', profiles.join(', '));
      if (s['env_file'] !== undefined)
        c.notes.set('x-env-file', 'environment from an env_file (not read by mltm import)');
      components.set(name, c);
      project_.add(name);
    }
    for (const name of project_) {
      const id = draft.idFor(`compose:${folder}:${name}`, name);
      const known = draft.components.get(id);
      if (known && !components.has(name)) components.set(name, known);
    }
    // Flows and secrets, once every service has its component.
    for (const [name, value] of Object.entries(services)) {
      const s = asRecord(value);
      const c = components.get(name);
      if (!c) continue;
      const env: [string, string, string][] = [];
      const environment = s['environment'];
      if (Array.isArray(environment))
        environment.forEach((entry, i) => {
          const text = asString(entry) ?? '';
          const eq = text.indexOf('=');
          if (eq > 0)
            env.push([
              text.slice(0, eq),
              text.slice(eq + 1),
              pointer('services', name, 'environment', i),
            ]);
        });
      else
        for (const [key, v] of Object.entries(asRecord(environment)))
          if (asString(v) !== undefined)
            env.push([key, asString(v) as string, pointer('services', name, 'environment', key)]);
      let literalSecret = false;
      for (const [key, v, at] of env) {
        if (CREDENTIAL_NAME.test(key) && !/_FILE$/.test(key) && isLiteral(v)) {
          literalSecret = true;
          draft.report(
            doc.file.path,
            problem(
              'MLTM503',
              `Service \`${name}\` sets \`${key}\` to a literal value; move it to a Compose secret or a secrets manager (the value is not copied into the draft).`,
              doc.valueRange(at),
            ),
          );
        }
        for (const [other, target] of components) {
          if (other === name) continue;
          const host = new RegExp(
            `(^|[/@=,\\s])${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+|/|$)`,
          );
          if (host.test(v)) {
            const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v)?.[1]?.toLowerCase();
            draft.flow(c, target, {
              source: doc.ref(at),
              ...(scheme !== undefined && { protocol: scheme.replace(/\+.*$/, '') }),
            });
          }
        }
      }
      const secrets = asArray(s['secrets']);
      if (secrets.length > 0 && !literalSecret)
        draft.claim(c, 'secrets_management', doc.ref(pointer('services', name, 'secrets')));
    }
    draft.usedFormat('docker-compose');
  },
};
