/**
 * The register's contract hashes, in one place: the element **fingerprint** (a threat's
 * `machine.fingerprint` and `machine.decided_fingerprint`: "did the element change since the
 * decision?") and the entry's **machine checksum** (`machine.checksum`: "did a person edit the
 * fields sync keeps?"). Both are written into users' registers, so their values are a contract:
 * `test/unit/core/hashes.test.ts` pins them for fixed inputs.
 *
 * Each hash is built from NAMED fields, serialised with sorted keys, a field at its default value
 * (absent, `''`, `false`, `[]`) left out. So adding a new field, which every existing element has
 * at its default, changes no existing value; renaming a field or changing what a value means does,
 * and needs a version bump.
 *
 * Versions: a hash of version 2 or later is written `v<N>-<hex>`; version 1 (positional JSON
 * tuples, what mltm wrote before the hashes had versions) is bare hex. Every version still listed here is
 * recognised: an old fingerprint matches when it equals the element's fingerprint recomputed in
 * that old form, and an old checksum is checked in its own form. So upgrading mltm turns no
 * decision into "needs review" and no entry into "hand-edited"; the next `mltm sync` rewrites the
 * machine fields in the current version. To bump a version: freeze the current builders below
 * as `…V<N>`, add them to the recognisers, and add the new form.
 */
import type { ComponentFacts, FlowFacts } from './rules/facts';
import { fnv1a64 } from './util/hash';

/** The version of the hashes mltm writes. */
export const HASH_VERSION = 2;

/** A field value that can go into a hash. */
type HashField = string | number | boolean | readonly string[] | undefined;

/**
 * The canonical text of named fields: keys sorted, fields at their default (`undefined`, `''`,
 * `false`, `[]`) left out, so a field added later does not change the hash of an element that
 * does not use it.
 */
export function canonicalFields(fields: Readonly<Record<string, HashField>>): string {
  // Written out rather than `JSON.stringify` of a filtered copy: the same text (keys are field
  // names, never array indices, so sorted order is the order JSON.stringify would keep), without
  // the copy; fingerprints are hashed for every element of every analysis.
  let text = '';
  const keys = Object.keys(fields);
  if (!isSorted(keys)) keys.sort();
  for (const key of keys) {
    const value = fields[key];
    if (value === undefined || value === '' || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    text += `${text === '' ? '{' : ','}${quotedKey(key)}${JSON.stringify(value)}`;
  }
  return text === '' ? '{}' : `${text}}`;
}

/** `"key":` for each field name, serialised once: the names are the few fixed ones below. */
const quotedKeys = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) quotedKeys.set(key, (quoted = `${JSON.stringify(key)}:`));
  return quoted;
}

/** Whether strings are in ascending order (the builders below list their fields so: no sort). */
function isSorted(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++)
    if ((values[i - 1] as string) > (values[i] as string)) return false;
  return true;
}

const versioned = (hex: string): string => `v${HASH_VERSION}-${hex}`;

/** The version a recorded hash was written in: 1 for bare hex, N for `vN-hex`; else undefined. */
export function hashVersion(recorded: string): number | undefined {
  if (/^[0-9a-f]{12}$|^[0-9a-f]{16}$/.test(recorded)) return 1;
  const match = /^v([1-9][0-9]{0,3})-[0-9a-f]{12,16}$/.exec(recorded);
  return match ? Number(match[1]) : undefined;
}

const NONE: readonly string[] = [];

/** The values in ascending order, as a new list (or a shared empty one: most lists are empty). */
function sorted(values: Iterable<string>): readonly string[] {
  const list = [...values];
  if (list.length === 0) return NONE;
  return list.length === 1 ? list : list.sort();
}

// ---------------------------------------------------------------------------------------------
// Element fingerprints
// ---------------------------------------------------------------------------------------------

/** An element's fingerprint in the current version, then in each older version still recognised. */
export interface ElementFingerprints {
  readonly fingerprint: string;
  /**
   * Newest first; what an entry written by an older mltm may hold. Computed on first read:
   * every threat carries them (its register entry may be that old), but callers that only want
   * the current fingerprint (the attack paths' fingerprints) do not pay for them.
   */
  readonly previous: readonly string[];
}

/** Fingerprints whose older versions are computed when first read (then kept). */
class OlderOnDemand implements ElementFingerprints {
  private older: readonly string[] | undefined;
  constructor(
    readonly fingerprint: string,
    private readonly computeOlder: () => string[],
  ) {}
  get previous(): readonly string[] {
    return (this.older ??= this.computeOlder());
  }
}

/** The fingerprint of a component: what its threats depend on (kind, zone, exposure, controls, data). */
export function componentFingerprints(f: ComponentFacts): ElementFingerprints {
  const c = f.node.component;
  const declared = sorted(f.declared);
  const implied = sorted(f.implied.keys());
  const data = sorted(c.data);
  return new OlderOnDemand(
    versioned(
      fnv1a64(
        canonicalFields({
          // In key order, as canonicalFields serialises them (listed so, it need not sort).
          classification: f.classification,
          data,
          declared_controls: declared,
          exposure: f.exposure,
          implied_controls: implied,
          kind: c.kind,
          pii: f.pii,
          tech: c.tech,
          zone: f.node.zone.id,
          zone_trust: f.node.zone.trust,
        }),
      ),
    ),
    () => [componentFingerprintV1(f, declared, implied, data)],
  );
}

/** The fingerprint of a flow: its ends, their trust, protocol, data and controls. */
export function flowFingerprints(f: FlowFacts): ElementFingerprints {
  const flow = f.edge.flow;
  const data = sorted(flow.data);
  const controls = sorted(flow.controls);
  return new OlderOnDemand(
    versioned(
      fnv1a64(
        canonicalFields({
          // In key order (see componentFingerprints).
          bidirectional: flow.bidirectional,
          classification: f.edge.classification,
          controls,
          data,
          from: flow.from,
          from_kind: f.from.kind,
          from_trust: f.edge.source.zone.trust,
          pii: f.edge.carriesPii,
          protocol: f.protocol,
          to: flow.to,
          to_kind: f.to.kind,
          to_trust: f.edge.target.zone.trust,
        }),
      ),
    ),
    () => [flowFingerprintV1(f, data, controls)],
  );
}

/**
 * Whether a recorded fingerprint (`machine.fingerprint` or `machine.decided_fingerprint`) still
 * describes the element: equal to its current fingerprint, or to its fingerprint in the older
 * version the value was written in.
 */
export function fingerprintMatches(
  recorded: string | undefined,
  current: { readonly fingerprint: string; readonly previousFingerprints: readonly string[] },
): boolean {
  if (recorded === undefined) return false;
  return recorded === current.fingerprint || current.previousFingerprints.includes(recorded);
}

/**
 * Version 1 (frozen): a positional tuple. Recognised in registers written before version 2. The
 * sorted lists are the ones the current version sorted already (the same values either way).
 */
function componentFingerprintV1(
  f: ComponentFacts,
  declared: readonly string[],
  implied: readonly string[],
  data: readonly string[],
): string {
  const c = f.node.component;
  return fnv1a64(
    JSON.stringify([
      c.kind,
      f.node.zone.id,
      f.node.zone.trust,
      f.exposure,
      c.tech ?? '',
      declared,
      implied,
      data,
      f.classification ?? '',
      f.pii,
    ]),
  );
}

/** Version 1 (frozen), see {@link componentFingerprintV1}. */
function flowFingerprintV1(
  f: FlowFacts,
  data: readonly string[],
  controls: readonly string[],
): string {
  const flow = f.edge.flow;
  return fnv1a64(
    JSON.stringify([
      flow.from,
      flow.to,
      f.from.kind,
      f.to.kind,
      f.edge.source.zone.trust,
      f.edge.target.zone.trust,
      f.protocol ?? '',
      data,
      controls,
      flow.bidirectional,
      f.edge.classification ?? '',
      f.edge.carriesPii,
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// Machine checksum
// ---------------------------------------------------------------------------------------------

/** The fields of a register entry that sync keeps, as the checksum reads them. */
export interface ChecksumFields {
  readonly title?: string;
  readonly element?: string;
  readonly stride?: readonly string[];
  readonly atlas?: readonly string[];
  readonly severity?: string;
  readonly machine: {
    readonly fingerprint?: string;
    readonly missingControls?: readonly string[];
    readonly decidedStatus?: string;
    readonly decidedFingerprint?: string;
    readonly needsReview?: boolean;
    readonly firstSeen?: string;
    readonly stale: boolean;
    readonly staleSince?: string;
  };
}

/** The checksum over the fields sync keeps (current version), named as in the register file. */
export function machineChecksum(fields: ChecksumFields): string {
  const m = fields.machine;
  return versioned(
    fnv1a64(
      canonicalFields({
        title: fields.title,
        element: fields.element,
        stride: fields.stride,
        atlas: fields.atlas,
        severity: fields.severity,
        fingerprint: m.fingerprint,
        missing_controls: m.missingControls,
        decided_status: m.decidedStatus,
        decided_fingerprint: m.decidedFingerprint,
        needs_review: m.needsReview === true,
        first_seen: m.firstSeen,
        stale: m.stale,
        stale_since: m.staleSince,
      }),
    ).slice(0, 12),
  );
}

/**
 * Whether a recorded checksum matches the fields, in the version it was written in. A checksum
 * of a version this mltm does not know (written by a newer one) cannot be checked: it counts as
 * a mismatch, and sync reports it rather than overwriting silently.
 */
export function machineChecksumMatches(recorded: string, fields: ChecksumFields): boolean {
  switch (hashVersion(recorded)) {
    case 1:
      return recorded === machineChecksumV1(fields);
    case HASH_VERSION:
      return recorded === machineChecksum(fields);
    default:
      return false;
  }
}

/** Version 1 (frozen): a positional tuple. */
function machineChecksumV1(fields: ChecksumFields): string {
  const m = fields.machine;
  return fnv1a64(
    JSON.stringify([
      fields.title ?? null,
      fields.element ?? null,
      fields.stride ?? null,
      fields.atlas ?? null,
      fields.severity ?? null,
      m.fingerprint ?? null,
      m.missingControls ?? null,
      m.decidedStatus ?? null,
      m.decidedFingerprint ?? null,
      m.needsReview === true,
      m.firstSeen ?? null,
      m.stale,
      m.staleSince ?? null,
    ]),
  ).slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Attack paths (`paths:` entries)
// ---------------------------------------------------------------------------------------------

/** What a path's fingerprint covers: how the attacker moves, what for, and every element on it. */
export interface PathFingerprintFields {
  readonly kind: string;
  readonly goal: string;
  /** The current fingerprint of each element on the path, entry first. */
  readonly elementFingerprints: readonly string[];
}

/**
 * The fingerprint of an attack path (`machine.fingerprint` / `machine.decided_fingerprint` of a
 * path entry): it changes when any element on the path changes as its threats' fingerprints do,
 * so a decision about the path goes due a review exactly as a threat's does. The path's element
 * ids are in its id already; the element fingerprints keep their order (entry first).
 */
export function pathFingerprint(fields: PathFingerprintFields): string {
  return versioned(
    fnv1a64(
      canonicalFields({
        kind: fields.kind,
        goal: fields.goal,
        element_fingerprints: fields.elementFingerprints,
      }),
    ),
  );
}

/** The fields of a path entry that sync keeps, as its checksum reads them. */
export interface PathChecksumFields {
  readonly kind?: string;
  readonly entry?: string;
  readonly target?: string;
  readonly goal?: string;
  readonly elements?: readonly string[];
  readonly machine: Omit<ChecksumFields['machine'], 'missingControls'>;
}

/** The checksum over a path entry's machine-kept fields (current version). */
export function pathMachineChecksum(fields: PathChecksumFields): string {
  const m = fields.machine;
  return versioned(
    fnv1a64(
      canonicalFields({
        kind: fields.kind,
        entry: fields.entry,
        target: fields.target,
        goal: fields.goal,
        elements: fields.elements,
        fingerprint: m.fingerprint,
        decided_status: m.decidedStatus,
        decided_fingerprint: m.decidedFingerprint,
        needs_review: m.needsReview === true,
        first_seen: m.firstSeen,
        stale: m.stale,
        stale_since: m.staleSince,
      }),
    ).slice(0, 12),
  );
}

/** Whether a recorded path-entry checksum matches (only the current version exists for paths). */
export function pathMachineChecksumMatches(recorded: string, fields: PathChecksumFields): boolean {
  return hashVersion(recorded) === HASH_VERSION && recorded === pathMachineChecksum(fields);
}
