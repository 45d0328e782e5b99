/**
 * Test helpers for reports: the report input of an example or fixture model (with its register
 * when one is beside it), with a fixed date so golden files are stable.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/core/analysis';
import { loaded } from '../../support/analysis';
import { checkRegister, loadRegister } from '../../../src/core/register/register';
import type { ReportInput } from '../../../src/core/report/view';

export const ROOT = process.cwd();
export const FIXED_DATE = '2026-01-01T00:00:00Z';
export const HOSTILE = 'test/fixtures/reports/hostile.mltm.yaml';

/** Every example model, as repository-relative paths. */
export function exampleFiles(): string[] {
  return readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.mltm.yaml'))
    .sort()
    .map((f) => `examples/${f}`);
}

/** The report input of a model (relative path), with the register beside it if there is one. */
export function reportInput(file: string, extra: Partial<ReportInput> = {}): ReportInput {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const analysis = loaded(analyze(text));
  const registerFile = file.replace(/\.mltm\.yaml$/, '.threats.yaml');
  let registerPart: Partial<ReportInput> = {};
  if (existsSync(join(ROOT, registerFile))) {
    const registerText = readFileSync(join(ROOT, registerFile), 'utf8');
    const loaded = loadRegister(registerText);
    if (!loaded.register) throw new Error(`${registerFile} does not load`);
    const problems = checkRegister(loaded.register, analysis, {
      today: '2026-01-01',
      modelFile: file.split('/').pop() as string,
    });
    registerPart = {
      register: loaded.register,
      registerFile,
      registerProblems: problems.map((p) => ({
        file: registerFile,
        line: 1,
        column: 1,
        severity: p.severity,
        code: p.code,
        message: p.message,
      })),
    };
  }
  return {
    analysis,
    text,
    file,
    generatedAt: FIXED_DATE,
    toolVersion: '0.0.0-test',
    ...registerPart,
    ...extra,
  };
}

/** The golden-file name of a model's report: `reports/<model name>.<ext>`. */
export function goldenName(file: string, ext: string): string {
  return `reports/${(file.split('/').pop() as string).replace(/\.mltm\.yaml$/, '')}.${ext}`;
}
