/**
 * STRIDE: the six threat categories, the security property each violates, and the
 * STRIDE-per-element chart (which categories apply to which kind of element).
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

/** STRIDE-per-element (Microsoft SDL / Shostack): the categories that apply to each element class. */
export const STRIDE_PER_ELEMENT = {
  external_entity: ['S', 'R'],
  process: ['S', 'T', 'R', 'I', 'D', 'E'],
  data_store: ['T', 'R', 'I', 'D'],
  data_flow: ['T', 'I', 'D'],
} as const satisfies Record<string, readonly StrideLetter[]>;

/** Sorts letters in STRIDE order. */
export function sortStride(letters: Iterable<StrideLetter>): StrideLetter[] {
  const order = 'STRIDE';
  return [...new Set(letters)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
