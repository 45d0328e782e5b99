/**
 * The shared assembly of a report's input (used by `mltm report` and the editor's "Generate
 * Report"): register problems located in the register file, file names, dates, and optional
 * parts left out rather than set to undefined.
 */
import assert from 'node:assert/strict';
import { loadRegister, checkRegister } from '../../../src/core/register/register';
import { renderReport } from '../../../src/core/report';
import {
  assembleReportInput,
  locateRegisterNotes,
  reportFileName,
  reportTimestamp,
} from '../../../src/core/report/input';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLoaded } from '../../support/analysis';

const root = join(__dirname, '..', '..', '..');
const modelText = readFileSync(join(root, 'test/vscode/workspace/report/bank.mltm.yaml'), 'utf8');
const registerText = readFileSync(
  join(root, 'test/vscode/workspace/report/bank.threats.yaml'),
  'utf8',
);

describe('report input', () => {
  it('names reports after their model', () => {
    assert.equal(reportFileName('fraud.mltm.yaml', 'md'), 'fraud.report.md');
    assert.equal(reportFileName('fraud.mltm.yml', 'sarif'), 'fraud.report.sarif');
    assert.equal(reportFileName('a.b.mltm.yaml', 'html'), 'a.b.report.html');
    assert.equal(reportFileName('x.yaml', 'json'), 'x.report.json');
    assert.equal(reportFileName('.mltm.yaml', 'md'), 'model.report.md');
  });

  it('writes dates to the second in UTC', () => {
    assert.equal(
      reportTimestamp(new Date(Date.UTC(2026, 10, 25, 8, 40, 5, 123))),
      '2026-11-25T08:40:05Z',
    );
  });

  it('locates register problems at their line and column in the register', () => {
    const analysis = analyzeLoaded(modelText);
    const register = loadRegister(registerText).register;
    assert.ok(register);
    const problems = checkRegister(register, analysis, {
      today: '2026-11-25',
      modelFile: 'bank.mltm.yaml',
    });
    const expired = problems.find(
      (p) => /2020-01-31/.test(p.message) || p.message.includes('review'),
    );
    assert.ok(
      expired,
      `an expired review is reported: ${problems.map((p) => p.message).join(' | ')}`,
    );
    const notes = locateRegisterNotes('report/bank.threats.yaml', registerText, problems);
    assert.equal(notes.length, problems.length);
    const note = notes[problems.indexOf(expired)];
    assert.ok(note);
    const lines = registerText.split('\n');
    const offset =
      lines.slice(0, note.line - 1).reduce((sum, l) => sum + l.length + 1, 0) + note.column - 1;
    assert.equal(offset, expired.range.start);
    assert.equal(note.file, 'report/bank.threats.yaml');
    assert.equal(note.code, expired.code);
  });

  it('leaves optional parts out, and the reports show the register it was given', () => {
    const analysis = analyzeLoaded(modelText);
    const bare = assembleReportInput({
      analysis,
      text: modelText,
      file: 'bank.mltm.yaml',
      registerNotes: [],
      generatedAt: '2026-11-25T00:00:00Z',
      toolVersion: '9.9.9',
    });
    assert.deepEqual(Object.keys(bare).sort(), [
      'analysis',
      'file',
      'generatedAt',
      'registerProblems',
      'text',
      'toolVersion',
    ]);
    const register = loadRegister(registerText).register;
    assert.ok(register);
    const withRegister = assembleReportInput({
      analysis,
      text: modelText,
      file: 'bank.mltm.yaml',
      register: { register, file: 'bank.threats.yaml' },
      registerNotes: [],
      generatedAt: '2026-11-25T00:00:00Z',
      toolVersion: '9.9.9',
    });
    assert.equal(withRegister.registerFile, 'bank.threats.yaml');
    assert.ok(
      renderReport('md', withRegister).includes(
        `| Threat register | bank.threats.yaml (${register.entries.length} entries) |`,
      ),
    );
    assert.ok(
      renderReport('md', bare).includes(
        '| Threat register | none: statuses come from the controls in the model |',
      ),
    );
  });
});
