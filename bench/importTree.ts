/**
 * A synthetic repository for the import bench stage: `files` evidence and non-evidence files in
 * nested folders (DVC projects, Kubernetes manifests with KServe services and policies, Compose
 * files, MLflow models, MCP configs, plus code, docs and a node_modules folder the walk skips),
 * written once per size to a temporary folder outside the timing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const trees = new Map<number, string>();

const DVC = (n: number) => `stages:
  prepare-${n}:
    cmd: python prepare.py
    deps:
      - data/raw-${n}.csv
    outs:
      - data/clean-${n}
  train-${n}:
    cmd: python train.py
    deps:
      - data/clean-${n}
    outs:
      - models/model-${n}.pkl
`;

const KSERVE = (n: number) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: svc-${n}
  namespace: ns-${n % 20}
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: gs://bucket-${n % 10}/model-${n}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: strict-${n}
  namespace: ns-${n % 20}
spec:
  mtls:
    mode: STRICT
`;

const COMPOSE = (n: number) => `services:
  app-${n}:
    image: ghcr.io/example/app:${n}
    environment:
      DB_URL: postgres://db-${n}:5432/app
  db-${n}:
    image: postgres:16
`;

const MLMODEL = `artifact_path: model
flavors:
  python_function:
    loader_module: mlflow.sklearn
  sklearn:
    serialization_format: cloudpickle
mlflow_version: 2.13.0
`;

/** The folder of a synthetic tree with `files` files (created on first use). */
export function importTree(files: number): string {
  const known = trees.get(files);
  if (known !== undefined) return known;
  const root = mkdtempSync(join(tmpdir(), `mltm-bench-import-${files}-`));
  for (let i = 0; i < files; i++) {
    const folder = join(root, `team-${i % 10}`, `project-${Math.floor(i / 10) % 20}`, `part-${i}`);
    mkdirSync(folder, { recursive: true });
    const kind = i % 8;
    if (kind === 0) writeFileSync(join(folder, 'dvc.yaml'), DVC(i));
    else if (kind === 1) writeFileSync(join(folder, 'serving.yaml'), KSERVE(i));
    else if (kind === 2) writeFileSync(join(folder, 'compose.yaml'), COMPOSE(i));
    else if (kind === 3) writeFileSync(join(folder, 'MLmodel'), MLMODEL);
    else if (kind === 4)
      writeFileSync(join(folder, 'values.yaml'), `replicas: ${i}\nimage: app:${i}\n`);
    else if (kind === 5) writeFileSync(join(folder, 'train.py'), `print(${i})\n`);
    else if (kind === 6) writeFileSync(join(folder, 'README.md'), `# part ${i}\n`);
    else writeFileSync(join(folder, 'package.json'), `{"name": "part-${i}"}\n`);
  }
  mkdirSync(join(root, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'left-pad', 'compose.yaml'), COMPOSE(0));
  trees.set(files, root);
  return root;
}
