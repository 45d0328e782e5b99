/**
 * `mltm sync <model…>`: creates or updates each model's threat register
 * (`<model>.threats.yaml` beside it) — new threats added as open, machine fields refreshed,
 * vanished threats marked stale — and never rewrites what people wrote. `--check` only reports
 * whether a sync would change anything (for CI).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { REGISTER_READ_LIMITS } from '../../core/parse/source';
import { analyze, threatsOf } from '../../core/analysis';
import { registerFileNameFor } from '../../core/workspace/naming';
import { syncRegister } from '../../core/register/sync';
import type { Command } from '../command';
import { describeWriteFailure, writeFileAtomic, type WriteResult } from '../atomicWrite';
import { LockError, withFileLocks } from '../fileLock';
import type { AtlasCatalogue } from '../../core/kb/atlas';
import {
  displayPath,
  EXIT,
  formatProblemLine,
  locate,
  plural,
  readUserFile,
  type CliIo,
} from '../io';
import type { RulePack } from '../../core/rules/types';
import { atlasOption, loadCustomPacks } from '../workspace';

/** The register beside a model, as a native path (the core's naming rule, `core/workspace/naming.ts`). */
export function registerPathFor(modelPath: string): string {
  return join(dirname(modelPath), registerFileNameFor(basename(modelPath)));
}

export function todayIso(io: { today?: string }): string {
  return io.today ?? new Date().toISOString().slice(0, 10);
}

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Create or update the threat register beside each model',
  usage:
    'mltm sync <model.mltm.yaml…> [--check] [--restore-machine-fields] [--allow-mass-stale] [--atlas <ATLAS.yaml>]',
  options: {
    check: {
      type: 'boolean',
      default: false,
      description: 'write nothing; exit 1 if a register is out of date',
    },
    'restore-machine-fields': {
      type: 'boolean',
      default: false,
      description:
        'overwrite hand edits of the fields mltm keeps (title, element, stride, atlas, severity, machine)',
    },
    'allow-mass-stale': {
      type: 'boolean',
      default: false,
      description: 'allow one sync to mark most of a register stale',
    },
    atlas: {
      type: 'string',
      description: 'an official MITRE ATLAS.yaml to use instead of the bundled catalogue',
    },
  },
  async run({ positionals, values, io }) {
    if (positionals.length === 0) {
      io.stderr('mltm sync: give at least one model file.\n');
      return EXIT.usage;
    }
    const atlas = await atlasOption(values['atlas'], io);
    if (atlas === false) return EXIT.usage;
    let failed = false;
    let outOfDate = false;
    for (const given of positionals) {
      const path = resolve(io.cwd, given);
      const registerPath = registerPathFor(path);
      // Packs are read before the register's lock is taken: they are not what the lock guards.
      const packs = (await loadCustomPacks(path)).packs;
      let outcome: SyncOutcome;
      try {
        // Held from reading the register to writing it: a second sync or triage waits, then works
        // on this one's result (issue 16, defect 3). `--check` writes nothing and takes no lock.
        outcome = values['check']
          ? syncModel(path, registerPath, values, atlas, packs, io)
          : withFileLocks([registerPath], () =>
              syncModel(path, registerPath, values, atlas, packs, io),
            );
      } catch (error) {
        if (!(error instanceof LockError)) throw error;
        io.stderr(
          `mltm sync: ${displayPath(io.cwd, registerPath)} was not written: ${error.message}\n`,
        );
        outcome = 'failed';
      }
      if (outcome === 'failed') failed = true;
      if (outcome === 'outOfDate') outOfDate = true;
    }
    if (failed) return EXIT.usage;
    return outOfDate ? EXIT.findings : EXIT.ok;
  },
};

type SyncOutcome = 'ok' | 'failed' | 'outOfDate';

/** Syncs one model's register; prints what happened. */
function syncModel(
  path: string,
  registerPath: string,
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  atlas: AtlasCatalogue | undefined,
  packs: readonly RulePack[],
  io: CliIo,
): SyncOutcome {
  const file = displayPath(io.cwd, path);
  const read = readUserFile(path);
  if (read.text === undefined) {
    for (const p of locate(file, undefined, read.problems)) io.stderr(formatProblemLine(p) + '\n');
    return 'failed';
  }
  const analysis = analyze(read.text, {
    customPacks: packs,
    ...(atlas && { atlas }),
  });
  const registerFile = displayPath(io.cwd, registerPath);
  const existing = readUserFile(registerPath, REGISTER_READ_LIMITS.maxLength);
  const exists =
    existing.text !== undefined || !existing.problems.some((p) => /no such file/.test(p.message));
  if (exists && existing.text === undefined) {
    for (const p of locate(registerFile, undefined, existing.problems))
      io.stderr(formatProblemLine(p) + '\n');
    io.stderr(`mltm sync: ${registerFile} was not written.\n`);
    return 'failed';
  }
  const result = syncRegister(existing.text, analysis, {
    today: todayIso(io),
    modelFile: basename(path),
    restoreMachineFields: values['restore-machine-fields'] === true,
    allowMassStale: values['allow-mass-stale'] === true,
  });
  if (!result.ok) {
    if (result.file === 'model') {
      for (const p of locate(file, read.text, result.problems))
        io.stderr(formatProblemLine(p) + '\n');
      io.stderr(
        `mltm sync: ${file} has errors; fix them first, so no entry is marked stale by mistake. ${registerFile} was not written.\n`,
      );
    } else {
      for (const p of locate(registerFile, existing.text, result.problems))
        io.stderr(formatProblemLine(p) + '\n');
      io.stderr(
        `mltm sync: ${registerFile} was not written: writing over it could lose what people wrote. Fix the problems above first.\n`,
      );
    }
    return 'failed';
  }
  const { summary } = result;
  const refreshed = summary.refreshed.length - summary.migrated.length;
  const what = [
    summary.added.length > 0 && `${summary.added.length} added`,
    refreshed > 0 && `${refreshed} refreshed`,
    summary.migrated.length > 0 &&
      `${summary.migrated.length} with hashes rewritten in the current format`,
    summary.staled.length > 0 && `${summary.staled.length} newly stale`,
    summary.revived.length > 0 && `${summary.revived.length} back from stale`,
  ].filter(Boolean);
  for (const id of summary.needsReview)
    io.stdout(
      `${registerFile}: ${id}: ${id.includes('@') ? 'the element' : 'an element on the attack path'} changed since the decision; review it (mltm triage ${file} ${id} --confirm).\n`,
    );
  if (!result.changed) {
    io.stdout(`${registerFile}: up to date (${plural(threatsOf(analysis).length, 'threat')}).\n`);
    return 'ok';
  }
  // Only hashes in an older format (this mltm is newer than the one that wrote them): the
  // register still says the same, so a CI gate stays green; the next sync rewrites them.
  const onlyMigration =
    summary.migrated.length > 0 &&
    refreshed === 0 &&
    summary.added.length + summary.staled.length + summary.revived.length === 0;
  if (values['check'] && onlyMigration) {
    io.stdout(
      `${registerFile}: up to date (${plural(threatsOf(analysis).length, 'threat')}); the next \`mltm sync ${file}\` rewrites ${summary.migrated.length} ${summary.migrated.length === 1 ? 'entry' : 'entries'} in the current hash format.\n`,
    );
    return 'ok';
  }
  if (values['check']) {
    io.stdout(
      `${registerFile}: out of date (${what.join(', ') || 'formatting'}); run \`mltm sync ${file}\`.\n`,
    );
    return 'outOfDate';
  }
  try {
    const written = writeFileAtomic(registerPath, result.text, existing.text);
    reportRemovedTemporaries('sync', written, io);
  } catch (error) {
    io.stderr(`mltm sync: ${describeWriteFailure(error, registerFile)}\n`);
    return 'failed';
  }
  io.stdout(
    `${registerFile}: ${existing.text === undefined ? 'created' : 'updated'} (${what.join(', ') || 'formatting'}).\n`,
  );
  return 'ok';
}

/** Tells the user which leftover temporary files of crashed runs the write removed (issue 16, defect 6). */
export function reportRemovedTemporaries(command: string, written: WriteResult, io: CliIo): void {
  for (const name of written.removedTemporaries)
    io.stderr(
      `mltm ${command}: removed a leftover temporary file \`${name}\` of an mltm run that no longer exists.\n`,
    );
}
