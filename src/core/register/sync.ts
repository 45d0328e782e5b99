/**
 * Sync: brings a register up to date with an analysis, editing the YAML document in place so
 * comments, key order and every human-written field survive. New threats are added as `open`;
 * machine fields are refreshed; threats the model no longer produces are marked stale (kept,
 * with the date); decisions are stamped with the element's fingerprint so a later change of the
 * element flags them for review. Pure: the caller writes the text (atomically).
 *
 * Determinism: the output depends only on the register text, the analysis and `today`; a second
 * run with the same inputs returns the same bytes, and `changed` is false.
 */
import { Document, isMap, isSeq, parseDocument, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { Analysis } from '../analysis';
import { problem, type Problem } from '../problems';
import type { Threat } from '../rules/evaluate';
import { DECISIONS, loadRegister, machineChecksum, MACHINE_FIELDS, REGISTER_FORMAT_VERSION, type MachineState, type ThreatStatus } from './register';

export interface SyncOptions {
  /** Today as YYYY-MM-DD. */
  readonly today: string;
  /** The model's file name relative to the register, written as `model:` in a new register. */
  readonly modelFile: string;
}

export interface SyncSummary {
  readonly added: readonly string[];
  readonly refreshed: readonly string[];
  readonly staled: readonly string[];
  readonly revived: readonly string[];
}

export type SyncResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean; readonly summary: SyncSummary }
  | { readonly ok: false; readonly problems: Problem[] };

/** Serialisation options: fixed, so output is the same on every machine. */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false, indent: 2 } as const;

function header(modelFile: string): string {
  return [
    ` mltm threat register for ${modelFile}`,
    ' One entry per threat, keyed <rule-id>@<element-id>. Yours to edit: status (open | mitigated |',
    ' accepted | transferred | not_applicable), owner, justification (required for accepted,',
    ' transferred, not_applicable), ticket, review_by (YYYY-MM-DD), notes, and any x- key.',
    ' `mltm sync` keeps title, element, stride, atlas, severity and machine; it never rewrites yours.',
  ].join('\n');
}

/**
 * Syncs `registerText` (undefined when the register does not exist yet) with an analysis.
 * Refuses — returning problems, writing nothing — when the existing register cannot be safely
 * rewritten, or when the model itself could not be analysed (an empty analysis would mark every
 * entry stale).
 */
export function syncRegister(registerText: string | undefined, analysis: Analysis, options: SyncOptions): SyncResult {
  if (!analysis.model || analysis.problems.some((p) => p.severity === 'error')) {
    return { ok: false, problems: [problem('MLTM310', 'The model has errors; fix them before syncing the register, so no entry is marked stale by mistake.', { start: 0, end: 0 })] };
  }
  let document: Document;
  let crlf = false;
  if (registerText === undefined || registerText.trim() === '') {
    document = new Document({ 'mltm-register': REGISTER_FORMAT_VERSION, model: options.modelFile, threats: {} });
    document.commentBefore = header(options.modelFile);
  } else {
    const loaded = loadRegister(registerText);
    if (!loaded.writable || !loaded.register) {
      const reasons = loaded.problems.filter((p) => p.severity === 'error');
      return {
        ok: false,
        problems: [problem('MLTM310', 'The register was not written: it does not parse as a register, and writing over it could lose what people wrote. Fix the problems below first.', { start: 0, end: 0 }), ...reasons],
      };
    }
    // Edited as LF and written back in the file's own line endings: parsed as CRLF, comments kept
    // their `\r` while new lines got `\n`, so a register saved on Windows came out mixed and
    // changed again on the next sync (found by the fuzz suite).
    crlf = registerText.includes('\r\n');
    document = parseDocument(crlf ? registerText.replace(/\r\n/g, '\n') : registerText, { uniqueKeys: true });
  }
  let threatsNode = document.get('threats', true) as YamlNode | null | undefined;
  if (!isMap(threatsNode)) {
    threatsNode = document.createNode({}) as YAMLMap;
    document.set('threats', threatsNode);
  }
  const threatsMap = threatsNode as YAMLMap;

  const added: string[] = [];
  const refreshed: string[] = [];
  const staled: string[] = [];
  const revived: string[] = [];
  const current = new Map(analysis.threats.map((t) => [t.id, t]));
  const existing = new Set<string>();

  for (const pair of threatsMap.items as Pair<YamlNode, YamlNode>[]) {
    const id = String((pair.key as { value?: unknown } | null)?.value ?? '');
    existing.add(id);
    const entry = pair.value;
    if (!isMap(entry)) continue;
    const threat = current.get(id);
    const before = snapshot(entry);
    if (threat) {
      const wasStale = machineOf(entry).stale === true;
      refreshEntry(document, entry, threat, options.today);
      if (wasStale) revived.push(id);
    } else {
      markStale(document, entry, options.today);
      if (before.machineStale !== true) staled.push(id);
    }
    stampChecksum(document, entry);
    if (!wasUnchanged(before, snapshot(entry))) refreshed.push(id);
  }
  for (const threat of analysis.threats) {
    if (existing.has(threat.id)) continue;
    const entry = document.createNode({}) as YAMLMap;
    refreshEntry(document, entry, threat, options.today);
    entry.set('status', 'open');
    moveBefore(entry, 'status', 'machine');
    stampChecksum(document, entry);
    threatsMap.add(document.createPair(threat.id, entry));
    added.push(threat.id);
  }
  const lf = document.toString(TO_STRING);
  const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
  return { ok: true, text, changed: text !== registerText, summary: { added, refreshed: refreshed.filter((id) => !added.includes(id)), staled, revived } };
}

interface Snapshot {
  readonly json: string;
  readonly machineStale: unknown;
}

function snapshot(entry: YAMLMap): Snapshot {
  const json = JSON.stringify(entry.toJSON());
  return { json, machineStale: machineOf(entry).stale };
}

function wasUnchanged(a: Snapshot, b: Snapshot): boolean {
  return a.json === b.json;
}

function machineOf(entry: YAMLMap): Record<string, unknown> {
  const machine = entry.get('machine', true);
  return isMap(machine) ? (machine.toJSON() as Record<string, unknown>) : {};
}

/** Sets a key only when its value differs, so untouched parts keep their exact formatting. */
function setIfChanged(document: Document, map: YAMLMap, key: string, value: unknown, flow = false): void {
  const currentNode = map.get(key, true) as YamlNode | undefined;
  const currentValue = currentNode && 'toJSON' in currentNode ? (currentNode as { toJSON(): unknown }).toJSON() : (map.get(key) as unknown);
  if (JSON.stringify(currentValue) === JSON.stringify(value)) return;
  const node = document.createNode(value) as YamlNode;
  if (flow && (isSeq(node) || isMap(node))) node.flow = true;
  if (map.has(key)) map.set(key, node);
  else map.add(document.createPair(key, node));
}

function deleteKey(map: YAMLMap, key: string): void {
  if (map.has(key)) map.delete(key);
}

/** Moves `key` to just before `before` (when both exist), for a readable order in new entries. */
function moveBefore(map: YAMLMap, key: string, before: string): void {
  const items = map.items as Pair[];
  const from = items.findIndex((p) => String((p.key as { value?: unknown }).value ?? p.key) === key);
  const to = items.findIndex((p) => String((p.key as { value?: unknown }).value ?? p.key) === before);
  if (from < 0 || to < 0 || from < to) return;
  const [pair] = items.splice(from, 1);
  if (pair) items.splice(to, 0, pair);
}

function machineMap(document: Document, entry: YAMLMap): YAMLMap {
  let machine = entry.get('machine', true) as YamlNode | undefined;
  if (!isMap(machine)) {
    machine = document.createNode({}) as YAMLMap;
    machine.flow = true;
    entry.set('machine', machine);
  }
  return machine as YAMLMap;
}

function refreshEntry(document: Document, entry: YAMLMap, threat: Threat, today: string): void {
  const isNew = entry.items.length === 0;
  setIfChanged(document, entry, 'title', threat.title);
  setIfChanged(document, entry, 'element', threat.element);
  setIfChanged(document, entry, 'stride', [...threat.stride], true);
  setIfChanged(document, entry, 'atlas', [...threat.atlas], true);
  setIfChanged(document, entry, 'severity', threat.severity);
  // Machine fields added to an older entry go before the human ones for readability.
  if (!isNew) for (const key of MACHINE_FIELDS) moveBefore(entry, key, 'status');
  const machine = machineMap(document, entry);
  const status = String(entry.get('status') ?? 'open') as ThreatStatus;
  setIfChanged(document, machine, 'fingerprint', threat.fingerprint);
  setIfChanged(document, machine, 'missing_controls', [...threat.missingControls], true);
  if (!machine.has('first_seen')) setIfChanged(document, machine, 'first_seen', today);
  deleteKey(machine, 'stale');
  deleteKey(machine, 'stale_since');
  if (DECISIONS.has(status)) {
    // A decision not yet recorded (or a changed decision) is stamped with today's fingerprint;
    // an unchanged decision keeps its stamp, so an element change later shows as "needs review".
    if (machine.get('decided_status') !== status) {
      setIfChanged(document, machine, 'decided_status', status);
      setIfChanged(document, machine, 'decided_fingerprint', threat.fingerprint);
    }
  } else {
    deleteKey(machine, 'decided_status');
    deleteKey(machine, 'decided_fingerprint');
  }
  moveMachineLast(entry);
}

function markStale(document: Document, entry: YAMLMap, today: string): void {
  const machine = machineMap(document, entry);
  if (machine.get('stale') !== true) {
    setIfChanged(document, machine, 'stale', true);
    setIfChanged(document, machine, 'stale_since', today);
  }
}

function moveMachineLast(entry: YAMLMap): void {
  const items = entry.items as Pair[];
  const index = items.findIndex((p) => String((p.key as { value?: unknown }).value ?? p.key) === 'machine');
  if (index >= 0 && index !== items.length - 1) {
    const [pair] = items.splice(index, 1);
    if (pair) items.push(pair);
  }
}

function stampChecksum(document: Document, entry: YAMLMap): void {
  const json = entry.toJSON() as Record<string, unknown>;
  const m = (json['machine'] ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const machine: Omit<MachineState, 'checksum'> = {
    ...(str(m['fingerprint']) !== undefined && { fingerprint: str(m['fingerprint']) }),
    ...(str(m['decided_status']) !== undefined && { decidedStatus: str(m['decided_status']) }),
    ...(str(m['decided_fingerprint']) !== undefined && { decidedFingerprint: str(m['decided_fingerprint']) }),
    ...(str(m['first_seen']) !== undefined && { firstSeen: str(m['first_seen']) }),
    stale: m['stale'] === true,
    ...(str(m['stale_since']) !== undefined && { staleSince: str(m['stale_since']) }),
  };
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const checksum = machineChecksum({
    ...(str(json['title']) !== undefined && { title: str(json['title']) }),
    ...(str(json['element']) !== undefined && { element: str(json['element']) }),
    ...(list(json['stride']) !== undefined && { stride: list(json['stride']) }),
    ...(list(json['atlas']) !== undefined && { atlas: list(json['atlas']) }),
    ...(str(json['severity']) !== undefined && { severity: str(json['severity']) }),
    machine,
  });
  setIfChanged(document, machineMap(document, entry), 'checksum', checksum);
}
