/**
 * LINDDUN: the seven privacy threat categories (LINDDUN GO / PRO, KU Leuven DistriNet,
 * https://linddun.org) in the codes threats carry (`linddun: ["L", "I", "Nr", "D", "DD", "U",
 * "Nc"]`). Which categories apply to which element type and interaction is decided by the rules
 * of the built-in privacy pack (`rules/builtin/privacy.rules.yaml`), following LINDDUN's
 * mapping table: every category on data stores, processes and data flows; on external entities
 * (users) Linking, Identifying, Unawareness / unintervenability and Non-compliance.
 */
export type LinddunCode = 'L' | 'I' | 'Nr' | 'D' | 'DD' | 'U' | 'Nc';

export interface LinddunCategory {
  readonly code: LinddunCode;
  readonly name: string;
  /** The privacy property the threat violates. */
  readonly property: string;
}

export const LINDDUN: readonly LinddunCategory[] = [
  { code: 'L', name: 'Linking', property: 'Unlinkability' },
  { code: 'I', name: 'Identifying', property: 'Anonymity / pseudonymity' },
  { code: 'Nr', name: 'Non-repudiation', property: 'Plausible deniability' },
  { code: 'D', name: 'Detecting', property: 'Undetectability' },
  { code: 'DD', name: 'Data disclosure', property: 'Confidentiality of personal data' },
  {
    code: 'U',
    name: 'Unawareness / unintervenability',
    property: 'Transparency and intervenability',
  },
  {
    code: 'Nc',
    name: 'Non-compliance',
    property: 'Compliance (lawfulness, minimisation, retention)',
  },
];

export const LINDDUN_CODES: readonly LinddunCode[] = LINDDUN.map((c) => c.code);

export const LINDDUN_BY_CODE: ReadonlyMap<LinddunCode, LinddunCategory> = new Map(
  LINDDUN.map((c) => [c.code, c]),
);

/** Sorts codes in LINDDUN order, without duplicates. */
export function sortLinddun(codes: Iterable<LinddunCode>): LinddunCode[] {
  return [...new Set(codes)].sort((a, b) => LINDDUN_CODES.indexOf(a) - LINDDUN_CODES.indexOf(b));
}
