/**
 * The diagram scene: everything the webview draws, as plain JSON — the positioned layout plus
 * each element's label, kind and threats (STRIDE letters, ATLAS ids with names, tactics and
 * links, severity, effective status, missing controls). Built on the host from one analysis and
 * the register, so the webview needs no knowledge base of its own.
 */
import type { LoadedAnalysis } from '../analysis';
import { effectiveStatus } from '../register/diff';
import type { ThreatRegister } from '../register/register';
import type { DiagramGraph, PositionedLayout } from './types';

export interface SceneAtlasRef {
  readonly id: string;
  readonly name?: string;
  readonly url?: string;
  /** Tactic ids and names of a technique, in ATLAS order. */
  readonly tactics: readonly { readonly id: string; readonly name: string }[];
}

export interface SceneThreat {
  readonly id: string;
  readonly ruleId: string;
  readonly title: string;
  readonly element: string;
  readonly elementType: 'component' | 'flow';
  readonly stride: readonly string[];
  /** The threat's category: `stride`, `ml` or `privacy`. */
  readonly category: string;
  /** LINDDUN codes of a privacy threat (L, I, Nr, D, DD, U, Nc); empty otherwise. */
  readonly linddun: readonly string[];
  readonly atlas: readonly SceneAtlasRef[];
  readonly severity: string;
  /** Effective status: the register's decision, else mitigated or open. */
  readonly status: string;
  readonly missingControls: readonly string[];
}

export interface DiagramScene {
  /** The model document's URI, echoed back in commands. */
  readonly modelUri: string;
  readonly modelName: string;
  readonly graph: DiagramGraph;
  readonly layout: PositionedLayout;
  /** Threats by element, in analysis order. */
  readonly threats: readonly SceneThreat[];
  /** Problems in the model file (the diagram may be partial). */
  readonly problemCount: number;
}

/** Builds the threat part of a scene from an analysis and the register (if any). */
export function sceneThreats(analysis: LoadedAnalysis, register?: ThreatRegister): SceneThreat[] {
  const atlas = analysis.atlas;
  return analysis.threats.map((t) => ({
    id: t.id,
    ruleId: t.ruleId,
    title: t.title,
    element: t.element,
    elementType: t.elementType,
    stride: [...t.stride],
    category: t.category,
    linddun: [...t.linddun],
    atlas: t.atlas.map((id) => {
      const name = atlas.nameOf(id);
      const url = atlas.url(id);
      const tactics = atlas.techniques.has(id)
        ? atlas.tacticsOf(id).map((tid) => ({ id: tid, name: atlas.nameOf(tid) ?? tid }))
        : [];
      return {
        id,
        ...(name !== undefined && { name }),
        ...(url !== undefined && { url }),
        tactics,
      };
    }),
    severity: t.severity,
    status: effectiveStatus(t, register),
    missingControls: [...t.missingControls],
  }));
}

/** Assembles a scene. */
export function buildScene(input: {
  modelUri: string;
  analysis: LoadedAnalysis;
  register?: ThreatRegister;
  graph: DiagramGraph;
  layout: PositionedLayout;
}): DiagramScene {
  return {
    modelUri: input.modelUri,
    modelName: input.analysis.model.name,
    graph: input.graph,
    layout: input.layout,
    threats: sceneThreats(input.analysis, input.register),
    problemCount: input.analysis.problems.length,
  };
}
