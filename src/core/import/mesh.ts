/**
 * Kubernetes `NetworkPolicy` and Istio `PeerAuthentication` / `AuthorizationPolicy` as evidence
 * for controls on the workloads other importers drafted (KServe, Seldon), by namespace and pod
 * labels. They add no components: they prove, or disprove, controls.
 *
 * - `network_policy`: a policy selecting the workload (`podSelector`, with `matchLabels` and
 *   `matchExpressions`; `{}` selects every pod of its namespace, an omitted namespace is
 *   `default`) restricts ingress — `Ingress` in `policyTypes` with no rules (deny all), or rules
 *   that each name sources. A rule `{}` or one without `from` allows every source: it proves
 *   nothing, and contradicts a model that claims the control (policies add up, so one such rule
 *   opens the pod whatever the others say).
 * - `mtls`: only an effective mode `STRICT` proves it. Precedence is Istio's: a workload policy
 *   (selector) over the namespace's over the mesh's (root namespace `istio-system`); `UNSET`
 *   inherits. `PERMISSIVE` and `DISABLE` prove nothing and contradict a claimed `mtls`;
 *   port-level-only `STRICT` proves nothing; `sidecar.istio.io/inject: "false"` means no mesh.
 * - `authz`: an `ALLOW` policy with rules that each constrain `from`/`to`/`when`, an allow-nothing
 *   policy (`spec: {}`), or a `CUSTOM` external authorizer. A rule `- {}` allows everything:
 *   nothing proven, and a contradiction of a claimed `authz`.
 */
import { problem } from '../problems';
import type { DraftBuilder, DraftComponent, Workload } from './draft';
import {
  asArray,
  asRecord,
  asString,
  isRecord,
  type EvidenceDoc,
  type SourceRef,
} from './evidence';
import type { FormatImporter } from './importer';
import { namespaceOf } from './serving';

const ROOT_NAMESPACE = 'istio-system';

interface Policy {
  readonly kind: 'NetworkPolicy' | 'PeerAuthentication' | 'AuthorizationPolicy';
  readonly doc: EvidenceDoc;
  readonly namespace: string;
  readonly value: Record<string, unknown>;
}

const POLICIES = new WeakMap<DraftBuilder, Policy[]>();

/** Whether a label selector (`matchLabels`, `matchExpressions`) selects these labels. */
export function selects(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const s = asRecord(selector);
  for (const [key, value] of Object.entries(asRecord(s['matchLabels'])))
    if (labels[key] !== asString(value)) return false;
  for (const expression of asArray(s['matchExpressions'])) {
    const e = asRecord(expression);
    const key = asString(e['key']) ?? '';
    const values = asArray(e['values']).map((v) => asString(v));
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (asString(e['operator'])) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function policyImporter(kind: Policy['kind'], group: RegExp, format: string): FormatImporter {
  return {
    format,
    looksLike: (_path, text) =>
      text.includes(kind) && new RegExp(group.source.slice(1), 'm').test(text),
    recognise(doc) {
      const v = asRecord(doc.value);
      return v['kind'] === kind && group.test(asString(v['apiVersion']) ?? '');
    },
    read(doc, draft) {
      let list = POLICIES.get(draft);
      if (!list) POLICIES.set(draft, (list = []));
      const value = asRecord(doc.value);
      list.push({ kind, doc, namespace: namespaceOf(value), value });
      draft.usedFormat(format);
    },
  };
}

export const networkPolicyImporter: FormatImporter = {
  ...policyImporter('NetworkPolicy', /^networking\.k8s\.io\//, 'Kubernetes NetworkPolicy'),
};
export const peerAuthenticationImporter: FormatImporter = {
  ...policyImporter('PeerAuthentication', /^security\.istio\.io\//, 'Istio'),
};
export const authorizationPolicyImporter: FormatImporter = {
  ...policyImporter('AuthorizationPolicy', /^security\.istio\.io\//, 'Istio'),
  finish: applyPolicies,
};

function workloads(draft: DraftBuilder): [DraftComponent, Workload][] {
  return [...draft.components.values()]
    .filter((c) => c.workload !== undefined)
    .map((c) => [c, c.workload as Workload]);
}

/** Applies every collected policy to the drafted workloads (after all files are read). */
function applyPolicies(draft: DraftBuilder): void {
  const policies = POLICIES.get(draft) ?? [];
  const reported = new Set<string>();
  const note = (doc: EvidenceDoc, at: string, message: string) => {
    const key = `${doc.file.path}:${doc.range(at).start}`;
    if (reported.has(key)) return;
    reported.add(key);
    draft.report(doc.file.path, problem('MLTM505', message, doc.range(at)));
  };
  for (const [component, workload] of workloads(draft)) {
    networkPolicy(
      draft,
      component,
      workload,
      policies.filter((p) => p.kind === 'NetworkPolicy'),
      note,
    );
    peerAuthentication(
      draft,
      component,
      workload,
      policies.filter((p) => p.kind === 'PeerAuthentication'),
      note,
    );
    authorization(
      draft,
      component,
      workload,
      policies.filter((p) => p.kind === 'AuthorizationPolicy'),
      note,
    );
  }
}

type Note = (doc: EvidenceDoc, at: string, message: string) => void;

function networkPolicy(
  draft: DraftBuilder,
  c: DraftComponent,
  w: Workload,
  policies: Policy[],
  note: Note,
): void {
  let proof: SourceRef | undefined;
  for (const p of policies) {
    if (p.namespace !== w.namespace) continue;
    const spec = asRecord(p.value['spec']);
    if (!selects(spec['podSelector'], w.labels)) continue;
    const types = asArray(spec['policyTypes']).map((t) => asString(t));
    const ingressListed = types.length === 0 ? true : types.includes('Ingress');
    if (!ingressListed) {
      note(
        p.doc,
        '/spec/policyTypes',
        'This NetworkPolicy restricts only egress; `network_policy` counts where data comes in, so it proves nothing here.',
      );
      continue;
    }
    const rules = asArray(spec['ingress']);
    const open = rules.findIndex((r) => !isRecord(r) || asArray(r['from']).length === 0);
    if (open >= 0) {
      note(
        p.doc,
        `/spec/ingress/${open}`,
        'This ingress rule has no `from`: it allows every source, so it proves no `network_policy`.',
      );
      draft.contradict(
        c,
        'network_policy',
        p.doc.ref(`/spec/ingress/${open}`),
        'a NetworkPolicy ingress rule without `from` allows every source',
      );
      return;
    }
    proof ??= p.doc.ref(rules.length === 0 ? '/spec/podSelector' : '/spec/ingress');
  }
  if (proof) draft.claim(c, 'network_policy', proof);
}

function peerAuthentication(
  draft: DraftBuilder,
  c: DraftComponent,
  w: Workload,
  policies: Policy[],
  note: Note,
): void {
  const levels: Policy[][] = [
    policies.filter(
      (p) =>
        p.namespace === w.namespace &&
        isRecord(asRecord(p.value['spec'])['selector']) &&
        selects(asRecord(asRecord(p.value['spec'])['selector']), w.labels),
    ),
    policies.filter(
      (p) => p.namespace === w.namespace && !isRecord(asRecord(p.value['spec'])['selector']),
    ),
    policies.filter(
      (p) => p.namespace === ROOT_NAMESPACE && !isRecord(asRecord(p.value['spec'])['selector']),
    ),
  ];
  for (const level of levels) {
    for (const p of level) {
      const spec = asRecord(p.value['spec']);
      const mode = asString(asRecord(spec['mtls'])['mode']);
      if (mode === undefined || mode === 'UNSET') {
        if (isRecord(spec['portLevelMtls']))
          note(
            p.doc,
            '/spec/portLevelMtls',
            'Only port-level mTLS is set; the workload as a whole is not STRICT, so this proves no `mtls`.',
          );
        continue;
      }
      const at = '/spec/mtls/mode';
      if (mode === 'STRICT') {
        if (w.sidecarInjectionDisabled) {
          draft.contradict(
            c,
            'mtls',
            w.sidecarInjectionDisabled,
            'the workload disables the Istio sidecar (`sidecar.istio.io/inject: "false"`)',
          );
          return;
        }
        draft.claim(c, 'mtls', p.doc.ref(at));
        return;
      }
      note(p.doc, at, `mTLS mode ${mode} accepts plain-text traffic; only STRICT proves \`mtls\`.`);
      draft.contradict(c, 'mtls', p.doc.ref(at), `the PeerAuthentication sets mode ${mode}`);
      return;
    }
  }
}

function authorization(
  draft: DraftBuilder,
  c: DraftComponent,
  w: Workload,
  policies: Policy[],
  note: Note,
): void {
  let proof: SourceRef | undefined;
  for (const p of policies) {
    const spec = asRecord(p.value['spec']);
    const selector = spec['selector'];
    const applies =
      (p.namespace === w.namespace && (!isRecord(selector) || selects(selector, w.labels))) ||
      (p.namespace === ROOT_NAMESPACE && !isRecord(selector));
    if (!applies) continue;
    const action = asString(spec['action']) ?? 'ALLOW';
    if (action === 'CUSTOM') {
      proof ??= p.doc.ref('/spec/action');
      continue;
    }
    if (action !== 'ALLOW') continue;
    if (!Array.isArray(spec['rules']) || spec['rules'].length === 0) {
      // ALLOW matching nothing: every request to the workload is denied.
      proof ??= p.doc.ref(p.doc.range('/spec').start === p.doc.range('').start ? '' : '/spec');
      continue;
    }
    const rules = asArray(spec['rules']);
    const open = rules.findIndex(
      (r) =>
        !isRecord(r) ||
        (r['from'] === undefined && r['to'] === undefined && r['when'] === undefined),
    );
    if (open >= 0) {
      note(
        p.doc,
        `/spec/rules/${open}`,
        'This rule `{}` matches every request: the policy allows everything, so it proves no `authz`.',
      );
      draft.contradict(
        c,
        'authz',
        p.doc.ref(`/spec/rules/${open}`),
        'an AuthorizationPolicy rule `{}` allows every request',
      );
      return;
    }
    proof ??= p.doc.ref('/spec/rules');
  }
  if (proof) draft.claim(c, 'authz', proof);
}
