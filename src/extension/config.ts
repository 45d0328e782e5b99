/**
 * Settings: the one place that reads `mltm.*` configuration, typed, with defaults matching
 * package.json. Features ask for a fresh snapshot when they need one; nothing caches settings
 * past a change event.
 */
import * as vscode from 'vscode';
import type { Severity } from '../core/rules/types';
import type { DiagnosticsMode } from '../core/views/problemsPanel';

export type SchemaProblemsMode = 'auto' | 'always' | 'never';

export interface MltmConfig {
  /** Delay after the last keystroke before a document is analysed again. */
  readonly debounceMs: number;
  /** Threats below this severity get no diagnostic. */
  readonly minimumSeverity: Severity;
  /** What the Problems panel lists for threats: the fix plan's steps (default) or every open threat. */
  readonly diagnosticsShow: DiagnosticsMode;
  /** Whether schema problems (MLTM001–MLTM109) are reported by mltm, the YAML extension, or both. */
  readonly schemaProblems: SchemaProblemsMode;
  /** An official ATLAS.yaml replacing the bundled catalogue; empty for the bundled one. */
  readonly atlasPath: string;
  /** Keep the register in sync after each save of the model. */
  readonly registerAutoSync: boolean;
  /** Show "N threats · M open" above components and flows. */
  readonly codeLensEnabled: boolean;
  /** Folder for generated reports (relative to the model's workspace folder, or absolute); empty: beside the model. */
  readonly reportsOutputFolder: string;
  /** Ask where to save each generated report instead of using the default place. */
  readonly reportsAskWhereToSave: boolean;
  /**
   * Evidence files and folders (relative to the model's workspace folder) whose drift against
   * the model shows as diagnostics; empty: no drift check.
   */
  readonly driftEvidencePaths: readonly string[];
}

const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Reads the settings that apply to `scope` (a model file, or the workspace). */
export function readConfig(scope?: vscode.Uri): MltmConfig {
  const c = vscode.workspace.getConfiguration('mltm', scope);
  const severity = c.get<string>('diagnostics.minimumSeverity', 'low');
  const schema = c.get<string>('diagnostics.schemaProblems', 'auto');
  return {
    debounceMs: Math.max(0, Math.min(5000, c.get<number>('diagnostics.debounceMs', 300))),
    minimumSeverity: (SEVERITIES as readonly string[]).includes(severity)
      ? (severity as Severity)
      : 'low',
    diagnosticsShow: c.get<string>('diagnostics.show', 'fixes') === 'threats' ? 'threats' : 'fixes',
    schemaProblems: schema === 'always' || schema === 'never' ? schema : 'auto',
    atlasPath: c.get<string>('atlas.path', '').trim(),
    registerAutoSync: c.get<boolean>('register.autoSync', false),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    reportsOutputFolder: c.get<string>('reports.outputFolder', '').trim(),
    reportsAskWhereToSave: c.get<boolean>('reports.askWhereToSave', false),
    driftEvidencePaths: evidencePaths(c.get<unknown>('drift.evidencePaths', [])),
  };
}

/** The setting's paths: strings only, trimmed, `\` as `/`, no empties or repeats. */
function evidencePaths(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const paths = value
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.trim().replace(/\\/g, '/').replace(/\/+$/, ''))
    .filter((p) => p !== '');
  return [...new Set(paths)];
}

/** The Red Hat YAML extension's `yaml.validate` setting (whether it reports schema problems). */
export function yamlValidationEnabled(): boolean {
  return vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true) !== false;
}

/** Whether a configuration change touches the drift check's evidence paths. */
export function affectsDrift(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration('mltm.drift');
}

/** Whether a configuration change touches mltm's settings. */
export function affectsMltm(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration('mltm');
}
