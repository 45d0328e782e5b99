/**
 * Issue 16, defect 3: two `mltm triage` runs on different threats of one register, at the same
 * time, must never lose a decision. Two writer processes (test/support/parallelWriter.ts) get the
 * same round number at once and each records a note on its own threat; after every round both
 * notes must be in the register — or a writer exited 2 and said why. 200 rounds by default
 * (`MLTM_STRESS_ROUNDS` changes it); before the lock, about 4 rounds in 100 lost a note.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadRegister } from '../../../src/core/register/register';
import { NODE_ARGS } from '../../support/cliProcess';
import { MODEL, removeTemp, synced, tempDir, writeFiles } from '../register/helpers';

const ROUNDS = Number(process.env['MLTM_STRESS_ROUNDS'] ?? 200);
const WRITERS = [
  { name: 'a', threat: 'process-input-tampering@api' },
  { name: 'b', threat: 'data-store-unauthorized-read@registry' },
] as const;

interface Answer {
  readonly round: number;
  readonly code: number;
  readonly stderr: string;
}

function startWriter(dir: string, threat: string, name: string) {
  const child = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      join(__dirname, '..', '..', 'support', 'parallelWriter.ts'),
      'm.mltm.yaml',
      threat,
      name,
    ],
    { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const waiting: ((answer: Answer) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) =>
    waiting.shift()?.(JSON.parse(line) as Answer),
  );
  return {
    child,
    run(round: number): Promise<Answer> {
      return new Promise((resolveAnswer) => {
        waiting.push(resolveAnswer);
        child.stdin.write(`${round}\n`);
      });
    },
  };
}

describe('issue 16, defect 3: concurrent triage never loses a decision', function () {
  this.timeout(600_000);

  it(`${ROUNDS} rounds of two parallel register writers`, async () => {
    const dir = tempDir('mltm-concurrent-');
    const writers = WRITERS.map((w) => startWriter(dir, w.threat, w.name));
    try {
      writeFiles(dir, { 'm.mltm.yaml': MODEL, 'm.threats.yaml': synced(undefined, MODEL) });
      const lost: string[] = [];
      let refused = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const answers = await Promise.all(writers.map((w) => w.run(round)));
        const loaded = loadRegister(readFileSync(join(dir, 'm.threats.yaml'), 'utf8'));
        assert.ok(loaded.register, `round ${round}: the register loads`);
        const notes = new Map(loaded.register.entries.map((e) => [e.id, e.notes]));
        answers.forEach((answer, i) => {
          const { name, threat } = WRITERS[i] as (typeof WRITERS)[number];
          if (answer.code === 2) {
            // A refusal is not a loss, if it says why.
            assert.match(
              answer.stderr,
              /was not written|nothing was written/,
              `round ${round}: ${answer.stderr}`,
            );
            refused++;
            return;
          }
          assert.equal(answer.code, 0, `round ${round} ${name}: ${answer.stderr}`);
          if (notes.get(threat) !== `${name}-${round}`) lost.push(`round ${round}: ${name}`);
        });
      }
      assert.deepEqual(lost, [], `${lost.length} decisions reported written were lost`);
      // With the lock the second writer waits and merges; nobody has to run the command again.
      assert.equal(refused, 0, `${refused} runs were refused instead of merged`);
    } finally {
      for (const w of writers) w.child.stdin.end();
      await Promise.all(writers.map((w) => new Promise((r) => w.child.once('exit', r))));
      removeTemp(dir);
    }
  });
});
