/**
 * Open Threat Model (OTM) 0.2.0, IriusRisk's open exchange format, as TypeScript types written
 * from the specification's facts (what `mltm report --format otm` writes and `mltm import`
 * reads). Optional fields may be `null` in files written by other tools.
 */

export const OTM_VERSION = '0.2.0';

export type OtmAttributes = Record<string, unknown> | null;

export interface OtmProject {
  readonly name: string;
  readonly id: string;
  readonly description?: string | null;
  readonly owner?: string | null;
  readonly ownerContact?: string | null;
  readonly tags?: readonly string[] | null;
  readonly attributes?: OtmAttributes;
}

export interface OtmParent {
  readonly trustZone?: string;
  readonly component?: string;
}

export interface OtmTrustZone {
  readonly id: string;
  readonly name: string;
  readonly type?: string;
  readonly description?: string | null;
  /** 0 (no trust) … 100 (full trust). */
  readonly risk: { readonly trustRating: number };
  readonly parent?: OtmParent;
  readonly attributes?: OtmAttributes;
}

export interface OtmThreatInstance {
  readonly threat: string;
  readonly state: string;
  readonly mitigations?: readonly {
    readonly mitigation: string | null;
    readonly state: string | null;
  }[];
}

export interface OtmComponent {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly description?: string | null;
  readonly parent: OtmParent;
  readonly assets?: {
    readonly processed?: readonly (string | null)[] | null;
    readonly stored?: readonly (string | null)[] | null;
  } | null;
  readonly threats?: readonly OtmThreatInstance[] | null;
  readonly tags?: readonly (string | null)[] | null;
  readonly attributes?: OtmAttributes;
}

export interface OtmDataflow {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  readonly bidirectional?: boolean | null;
  readonly source: string;
  readonly destination: string;
  readonly assets?: readonly (string | null)[] | null;
  readonly threats?: readonly OtmThreatInstance[] | null;
  readonly tags?: readonly (string | null)[] | null;
  readonly attributes?: OtmAttributes;
}

export interface OtmAsset {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  /** 0 … 100 each. */
  readonly risk: {
    readonly confidentiality: number;
    readonly integrity: number;
    readonly availability: number;
    readonly comment?: string | null;
  };
  readonly attributes?: OtmAttributes;
}

export interface OtmThreat {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  readonly categories?: readonly (string | null)[] | null;
  readonly cwes?: readonly (string | null)[] | null;
  readonly risk: {
    readonly likelihood: number | null;
    readonly likelihoodComment?: string | null;
    readonly impact: number;
    readonly impactComment?: string;
  };
  readonly tags?: readonly (string | null)[] | null;
  readonly attributes?: OtmAttributes;
}

export interface OtmMitigation {
  readonly id: string;
  readonly name: string;
  readonly description?: string | null;
  /** 0 … 100. */
  readonly riskReduction: number;
  readonly attributes?: OtmAttributes;
}

export interface OtmDocument {
  readonly otmVersion: string;
  readonly project: OtmProject;
  readonly representations?: readonly unknown[] | null;
  readonly assets?: readonly OtmAsset[] | null;
  readonly trustZones?: readonly OtmTrustZone[];
  readonly components?: readonly OtmComponent[] | null;
  readonly dataflows?: readonly OtmDataflow[];
  readonly threats?: readonly OtmThreat[] | null;
  readonly mitigations?: readonly OtmMitigation[] | null;
}

/** OTM trust ratings for mltm's trust levels, and back (nearest level). */
export const TRUST_RATING = { untrusted: 0, semi_trusted: 50, trusted: 100 } as const;

export function trustFromRating(rating: number): 'untrusted' | 'semi_trusted' | 'trusted' {
  return rating < 34 ? 'untrusted' : rating < 67 ? 'semi_trusted' : 'trusted';
}

/** OTM confidentiality for mltm's classifications, and back. */
export const CONFIDENTIALITY = {
  public: 0,
  internal: 33,
  confidential: 67,
  restricted: 100,
} as const;

export function classificationFromConfidentiality(
  value: number,
): 'public' | 'internal' | 'confidential' | 'restricted' {
  return value < 17
    ? 'public'
    : value < 50
      ? 'internal'
      : value < 84
        ? 'confidential'
        : 'restricted';
}

/** The implicit trusted zone of components outside every boundary (OTM components need a parent). */
export const IMPLICIT_ZONE_ID = 'mltm-implicit-trusted-zone';
