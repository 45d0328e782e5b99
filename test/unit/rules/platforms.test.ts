/**
 * The rules added and widened for exposed ML platforms, untrusted-code hosts, proxy models and
 * evasion beyond the request path (issue 15, coverage-platforms), across the built-in packs:
 * each fires on a minimal model of the shape it foresees, with its ATLAS ids, is silenced by
 * the controls an architect adds where they would add them, and stays quiet on a near miss.
 */
import { caseModel, ruleCaseTests, type RuleCase } from './caseTable';

/** A model text from YAML sections. */
const model = (parts: Parameters<typeof caseModel>[1]) => caseModel('platform rule test', parts);

const RELEASE = model({
  data: `  full: { kind: model, classification: confidential }
  small: { kind: model, classification: public }`,
  components: `  weights: { kind: model_registry, boundary: app, data: [full, small] }
  release: { kind: artifact_store, boundary: internet, data: [small] }`,
  flows: `  - { from: weights, to: release, data: [small] }`,
});

const PIP_MACHINE = model({
  data: `  packages: { kind: code, classification: public }
  secrets: { kind: credentials, classification: restricted }`,
  components: `  pypi: { kind: package_registry, boundary: internet }
  trainer: { kind: training_job, boundary: app, data: [secrets] }
  web: { kind: external_data_source, boundary: internet }`,
  flows: `  - { from: pypi, to: trainer, data: [packages] }
  - { from: trainer, to: web, bidirectional: true }`,
});

const NOTEBOOK = model({
  data: `  notebook: { kind: code, classification: public }`,
  components: `  shared: { kind: external_data_source, boundary: internet }
  runtime: { kind: training_job, boundary: app }`,
  flows: `  - { id: open, from: shared, to: runtime, data: [notebook] }`,
});

const HUB_LOAD = model({
  data: `  pickle: { kind: model, classification: public }`,
  components: `  hub: { kind: third_party_model_hub, boundary: internet }
  loader: { kind: training_job, boundary: app }`,
  flows: `  - { id: pull, from: hub, to: loader, data: [pickle] }`,
});

const APP_STORE = model({
  data: `  tflite: { kind: model, classification: confidential }
  apk: { kind: code, classification: internal }`,
  components: `  store: { kind: package_registry, boundary: internet }
  phone-app: { kind: mobile_app, boundary: devices, data: [tflite] }`,
  flows: `  - { id: install, from: store, to: phone-app, data: [apk] }`,
});

const ANALYSER = model({
  data: `  sample: { kind: inference_request, classification: internal }`,
  components: `  uploader: { kind: external_client, boundary: internet }
  intake: { kind: data_ingestion, boundary: app }
  analyser: { kind: llm_app, boundary: app }`,
  flows: `  - { from: uploader, to: intake, data: [sample] }
  - { id: analyse, from: intake, to: analyser, data: [sample] }`,
});

const CODE_TOOL = model({
  data: `  code: { kind: code, classification: internal }`,
  components: `  assistant: { kind: agent, boundary: app }
  interpreter: { kind: tool, boundary: app }`,
  flows: `  - { from: assistant, to: interpreter, data: [code], bidirectional: true }`,
});

const DISTILL = model({
  data: `  prompts: { kind: prompt, classification: internal }`,
  components: `  holder: { kind: external_client, boundary: internet }
  api: { kind: api_gateway, boundary: app }
  llm: { kind: serving_endpoint, boundary: app }`,
  flows: `  - { from: holder, to: api, data: [prompts] }
  - { id: ask, from: api, to: llm, data: [prompts] }`,
});

const CAMERA = model({
  data: `  frames: { kind: inference_request, classification: restricted, pii: true }`,
  components: `  camera: { kind: external_data_source, boundary: devices }
  api: { kind: api_gateway, boundary: app }
  face-id: { kind: serving_endpoint, boundary: app }`,
  flows: `  - { id: film, from: camera, to: api, data: [frames] }
  - { from: api, to: face-id, data: [frames] }`,
});

const IDP = model({
  data: `  upload: { kind: inference_request, classification: restricted, pii: true }`,
  components: `  claimant: { kind: user, boundary: internet }
  idp: { kind: identity_provider, boundary: app }
  verify: { kind: serving_endpoint, boundary: app }`,
  flows: `  - { from: claimant, to: idp, data: [upload] }
  - { id: check, from: idp, to: verify, data: [upload] }`,
});

const CASES: readonly RuleCase[] = [
  {
    rule: 'withheld-model-public-sibling',
    scenario: 'a lab keeps its full model private and releases a small one with the paper',
    text: RELEASE,
    element: 'weights',
    atlas: ['AML.T0005', 'AML.T0005.000'],
    silence: [{ on: 'weights', controls: ['human_review'] }],
    negatives: [
      {
        why: 'the release store is inside the lab',
        text: RELEASE.replace(
          'release: { kind: artifact_store, boundary: internet',
          'release: { kind: artifact_store, boundary: app',
        ),
      },
      {
        why: 'the registry holds only public models',
        text: RELEASE.replace(
          'full: { kind: model, classification: confidential }',
          'full: { kind: model, classification: public }',
        ),
      },
    ],
  },
  {
    rule: 'untrusted-code-host-open-egress',
    scenario: 'a training machine installs packages from PyPI and can reach the internet',
    text: PIP_MACHINE,
    element: 'trainer',
    atlas: ['AML.T0037', 'AML.T0025', 'AML.T0072'],
    silence: [{ on: 'trainer', controls: ['egress_allowlist'] }],
    negatives: [
      {
        why: 'the machine connects nowhere outside',
        text: PIP_MACHINE.replace('  - { from: trainer, to: web, bidirectional: true }\n', ''),
      },
    ],
  },
  {
    rule: 'untrusted-code-host-open-egress',
    scenario: 'an agent’s code-execution tool can open connections to the internet',
    text: model({
      data: `  code: { kind: code, classification: internal }`,
      components: `  visitor: { kind: external_client, boundary: internet }
  assistant: { kind: agent, boundary: app }
  interpreter: { kind: tool, boundary: app }
  web: { kind: external_data_source, boundary: internet }`,
      flows: `  - { from: visitor, to: assistant }
  - { from: assistant, to: interpreter, data: [code] }
  - { from: interpreter, to: web, bidirectional: true }`,
    }),
    element: 'interpreter',
    atlas: ['AML.T0037', 'AML.T0025', 'AML.T0072'],
    silence: [{ on: 'interpreter', controls: ['egress_allowlist'] }],
    negatives: [],
  },
  {
    rule: 'shared-notebook-code-execution',
    scenario: 'a notebook shared on a website runs in the user’s runtime',
    text: NOTEBOOK,
    element: 'open',
    atlas: ['AML.T0010.001', 'AML.T0011'],
    silence: [{ on: 'runtime', controls: ['sandboxing', 'scoped_credentials'] }],
    negatives: [
      {
        why: 'the source delivers a dataset, not code',
        text: NOTEBOOK.replace('notebook: { kind: code', 'notebook: { kind: training_data'),
      },
    ],
  },
  {
    rule: 'hub-model-loaded-unscanned',
    scenario: 'a fine-tuning job loads a model file from a public hub',
    text: HUB_LOAD,
    element: 'pull',
    atlas: ['AML.T0011.000', 'AML.T0018.002', 'AML.T0076'],
    silence: [{ on: 'loader', controls: ['model_scanning'] }],
    negatives: [
      {
        why: 'the hub delivers a dataset',
        text: HUB_LOAD.replace('pickle: { kind: model', 'pickle: { kind: training_data'),
      },
      {
        why: 'the model is only stored, not loaded',
        text: HUB_LOAD.replace('loader: { kind: training_job', 'loader: { kind: artifact_store'),
      },
    ],
  },
  {
    rule: 'app-store-model-delivery',
    scenario: 'a mobile app with an on-device model is installed from an app store',
    text: APP_STORE,
    element: 'install',
    atlas: ['AML.T0010.003'],
    silence: [{ on: 'phone-app', controls: ['model_signing', 'device_attestation'] }],
    negatives: [
      {
        why: 'the app carries no model',
        text: APP_STORE.replace(
          'phone-app: { kind: mobile_app, boundary: devices, data: [tflite] }',
          'phone-app: { kind: mobile_app, boundary: devices }',
        ),
      },
    ],
  },
  {
    rule: 'llm-analyser-evasion',
    scenario: 'uploaded samples reach an LLM malware analyser through intake',
    text: ANALYSER,
    element: 'analyse',
    atlas: ['AML.T0015', 'AML.T0043'],
    silence: [{ on: 'analyser', controls: ['untrusted_content_marking', 'llm_guardrails'] }],
    negatives: [
      {
        why: 'intake is fed only from inside',
        text: ANALYSER.replace(
          'uploader: { kind: external_client, boundary: internet }',
          'uploader: { kind: data_store, boundary: app }',
        ),
      },
    ],
  },
  {
    rule: 'code-tool-sandbox-escape',
    scenario: 'an agent hands generated code to an execution tool',
    text: CODE_TOOL,
    element: 'interpreter',
    atlas: ['AML.T0105'],
    silence: [{ on: 'interpreter', controls: ['sandboxing', 'scoped_credentials'] }],
    negatives: [
      {
        why: 'the tool gets documents, not code',
        text: CODE_TOOL.replace('code: { kind: code', 'code: { kind: documents'),
      },
    ],
  },
  {
    rule: 'llm-distillation-guardrails-stripped',
    scenario: 'account holders prompt a public LLM through its API',
    text: DISTILL,
    element: 'ask',
    atlas: ['AML.T0048.002', 'AML.T0048.003'],
    silence: [{ on: 'llm', controls: ['adversarial_input_detection', 'rate_limiting'] }],
    negatives: [
      {
        why: 'the endpoint serves a classifier (inference requests, not prompts)',
        text: DISTILL.replace('prompts: { kind: prompt', 'prompts: { kind: inference_request'),
      },
    ],
  },
  {
    rule: 'biometric-capture-spoofing',
    scenario: 'a fixed camera films a site anyone can enter for face identification',
    text: CAMERA,
    element: 'film',
    atlas: ['AML.T0088', 'AML.T0015', 'AML.T0041', 'AML.T0073'],
    silence: [{ on: 'api', controls: ['liveness_detection', 'device_attestation'] }],
    negatives: [
      {
        why: 'the camera is inside the organisation',
        text: CAMERA.replace(
          'camera: { kind: external_data_source, boundary: devices }',
          'camera: { kind: external_data_source, boundary: app }',
        ),
      },
      {
        why: 'the app sends personal business records, not a capture',
        text: model({
          data: `  invoices: { kind: x-invoice, classification: restricted, pii: true }`,
          components: `  app: { kind: mobile_app, boundary: devices }
  tax: { kind: web_app, boundary: app }`,
          flows: `  - { id: film, from: app, to: tax, data: [invoices] }`,
        }),
      },
    ],
  },
  {
    rule: 'ai-product-model-probing',
    scenario: 'an identity provider verifies uploaded IDs with a model',
    text: IDP,
    element: 'check',
    atlas: ['AML.T0047', 'AML.T0063', 'AML.T0042', 'AML.T0014'],
    silence: [{ on: 'verify', controls: ['rate_limiting', 'adversarial_input_detection'] }],
    negatives: [
      {
        why: 'the identity provider serves only internal services',
        text: IDP.replace(
          'claimant: { kind: user, boundary: internet }',
          'claimant: { kind: web_app, boundary: app }',
        ),
      },
    ],
  },
];

describe('rules for exposed ML platforms, untrusted-code hosts and proxy models', () => {
  ruleCaseTests(CASES);
});
