// The repository's CI integrations as users run them. pre-commit (Debian's `pre-commit`, the real
// tool) installs this repository's hooks from `.pre-commit-hooks.yaml` the way it does for any
// user — npm install in a clone, npm pack, npm install -g of the tarball — and runs them on a
// fixture repository: `mltm validate` fails on a broken model, `mltm sync --check` fails on an
// out-of-date register and passes once the register is synced. (The GitHub Action's script is
// tested end to end in test/unit/cli/ciAction.test.ts; GitHub's runner itself is not available
// here.) Writes {passed, failed, failures} to $MLTM_COUNTS_FILE.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, createSuite } from '../lib/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const suite = createSuite('integrations');
const scratch = mkdtempSync(join(tmpdir(), 'mltm-integrations-'));
const git = (cwd, ...args) =>
  execFileSync('git', ['-c', 'user.email=ci@mltm.invalid', '-c', 'user.name=mltm ci', ...args], {
    cwd,
    encoding: 'utf8',
  });

/**
 * A git repository holding the project's working tree as it is now (tracked and untracked, not
 * ignored files), so the hooks under test are the ones in this checkout, committed or not.
 */
function snapshotOfThisCheckout() {
  const dir = join(scratch, 'mltm');
  mkdirSync(dir);
  const files = git(root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      copyFileSync(join(root, file), join(dir, file));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error; // a file deleted but not yet committed
    }
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'snapshot');
  return { dir, rev: git(dir, 'rev-parse', 'HEAD').trim() };
}

function preCommit(cwd, home, ...args) {
  return spawnSync('pre-commit', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      PRE_COMMIT_HOME: home,
      PRE_COMMIT_COLOR: 'never',
      // pre-commit's npm install of the hook repository: from the local cache where it can.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    },
    timeout: 10 * 60_000,
  });
}

try {
  const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (which.status !== 0) {
    suite.fail('pre-commit is installed', 'pre-commit is not on PATH (Debian package pre-commit)');
  } else {
    const mltm = snapshotOfThisCheckout();
    const repo = join(scratch, 'user-repo');
    const home = join(scratch, 'pre-commit-home');
    mkdirSync(repo);
    copyFileSync(join(root, 'examples/02-model-extraction.mltm.yaml'), join(repo, 'm.mltm.yaml'));
    writeFileSync(join(repo, 'bad.mltm.yaml'), 'mltm: 1\nname: [unclosed\n');
    writeFileSync(
      join(repo, '.pre-commit-config.yaml'),
      [
        'repos:',
        `  - repo: ${mltm.dir}`,
        `    rev: ${mltm.rev}`,
        '    hooks:',
        '      - id: mltm-validate',
        '      - id: mltm-sync-check',
        '',
      ].join('\n'),
    );
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');

    const first = preCommit(repo, home, 'run', '--all-files');
    const out = `${first.stdout}${first.stderr}`;
    suite.test('pre-commit installs the hooks from .pre-commit-hooks.yaml', () => {
      assert(
        !/An unexpected error has occurred/.test(out),
        `pre-commit failed to install:\n${out}`,
      );
      assert(/mltm validate\.+Failed/.test(out), `no mltm validate result:\n${out}`);
    });
    suite.test('mltm-validate fails on a broken model, with its located problem', () => {
      assert(first.status === 1, `exit ${first.status}`);
      assert(/bad\.mltm\.yaml:3:1: error MLTM001/.test(out), out);
    });
    suite.test('mltm-sync-check fails on a model whose register is out of date', () => {
      assert(/m\.threats\.yaml: out of date/.test(out), out);
    });

    rmSync(join(repo, 'bad.mltm.yaml'));
    execFileSync(process.execPath, [join(root, 'bin/mltm.js'), 'sync', 'm.mltm.yaml'], {
      cwd: repo,
    });
    git(repo, 'add', '-A');
    const second = preCommit(repo, home, 'run', '--all-files');
    suite.test('both hooks pass on a valid model with a synced register', () => {
      const text = `${second.stdout}${second.stderr}`;
      assert(second.status === 0, `exit ${second.status}:\n${text}`);
      assert(
        /mltm validate\.+Passed/.test(text) && /register up to date\.+Passed/.test(text),
        text,
      );
    });
  }
} catch (error) {
  suite.fail('integrations suite', error);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  suite.finish();
}
