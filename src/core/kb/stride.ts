/**
 * STRIDE: the six threat categories and the security property each violates. Which categories
 * apply to which kind of element (STRIDE-per-element) is decided by the rules of the built-in
 * STRIDE pack (`rules/builtin/stride.rules.yaml`) and the kind classes of `model/vocabulary.ts`.
 */
export type StrideLetter = 'S' | 'T' | 'R' | 'I' | 'D' | 'E';

export interface StrideCategory {
  readonly letter: StrideLetter;
  readonly name: string;
  readonly property: string;
}

export const STRIDE: readonly StrideCategory[] = [
  { letter: 'S', name: 'Spoofing', property: 'Authenticity' },
  { letter: 'T', name: 'Tampering', property: 'Integrity' },
  { letter: 'R', name: 'Repudiation', property: 'Non-repudiation' },
  { letter: 'I', name: 'Information disclosure', property: 'Confidentiality' },
  { letter: 'D', name: 'Denial of service', property: 'Availability' },
  { letter: 'E', name: 'Elevation of privilege', property: 'Authorization' },
];

export const STRIDE_BY_LETTER: ReadonlyMap<StrideLetter, StrideCategory> = new Map(
  STRIDE.map((s) => [s.letter, s]),
);

/** Sorts letters in STRIDE order. */
export function sortStride(letters: Iterable<StrideLetter>): StrideLetter[] {
  const order = 'STRIDE';
  return [...new Set(letters)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
