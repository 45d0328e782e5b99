// The first step of `npm test`: makes sure the machine has the system packages the test suites
// need, so a fresh machine with only Node and npm gets one clear line instead of a wall of
// node-gyp errors or a browser suite that cannot start.
//
// - Debian Chromium drives the webview suite, the HTML-report tests and the offline real-VS-Code
//   runner (npm's playwright-core cannot download a browser here).
// - pre-commit runs the repository's own hooks (.pre-commit-hooks.yaml) as users install them.
// - libkrb5-dev, libx11-dev, libxkbfile-dev and libsecret-1-dev let code-server's native modules
//   build (scripts/vscode/setup-offline.mjs).
//
// Each requirement is probed by a file it installs, so the check also holds on machines that
// installed the same things another way. When something is missing: as root with apt-get, it is
// installed (saying what); otherwise the step stops at once, naming the exact command to run.
// `MLTM_SKIP_SYSTEM_SETUP=1` skips the step (for machines that provide these differently).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What the suites need: a Debian package, and a file whose presence proves it is there. */
export const SYSTEM_REQUIREMENTS = [
  {
    pkg: 'chromium',
    probe: process.env.MLTM_CHROMIUM ?? '/usr/bin/chromium',
    why: 'browser tests',
  },
  { pkg: 'pre-commit', probe: '/usr/bin/pre-commit', why: 'the pre-commit hooks suite' },
  { pkg: 'libkrb5-dev', probe: '/usr/include/gssapi/gssapi.h', why: 'code-server build' },
  { pkg: 'libx11-dev', probe: '/usr/include/X11/Xlib.h', why: 'code-server build' },
  {
    pkg: 'libxkbfile-dev',
    probe: '/usr/include/X11/extensions/XKBfile.h',
    why: 'code-server build',
  },
  {
    pkg: 'libsecret-1-dev',
    probe: '/usr/include/libsecret-1/libsecret/secret.h',
    why: 'code-server build',
  },
];

/** The requirements whose probe file is absent. */
export function missingRequirements(requirements = SYSTEM_REQUIREMENTS) {
  return requirements.filter((r) => !existsSync(r.probe));
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Ensures the system packages are present. Returns true when the suites can run; prints one
 * line saying what it did or what the user must do.
 */
export function ensureSystemPackages({ log = console.log } = {}) {
  if (process.env.MLTM_SKIP_SYSTEM_SETUP === '1') {
    log('system packages: check skipped (MLTM_SKIP_SYSTEM_SETUP=1)');
    return true;
  }
  const missing = missingRequirements();
  if (missing.length === 0) {
    log('system packages: all present');
    return true;
  }
  const names = missing.map((r) => r.pkg);
  const command = `apt-get install -y --no-install-recommends ${names.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    const how = hasCommand('apt-get')
      ? `sudo apt-get update && sudo ${command}`
      : `install the equivalents of: ${names.join(' ')}`;
    log(`system packages missing (${names.join(', ')}); the test suites need them. Run: ${how}`);
    return false;
  }
  log(`system packages: installing ${names.join(' ')} with apt-get (as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8' });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], {
          env,
          encoding: 'utf8',
        })
      : update;
  const still = missingRequirements();
  if (install.status !== 0 || still.length > 0) {
    const tail = `${install.stdout ?? ''}${install.stderr ?? ''}`.trim().split('\n').slice(-5);
    const what = (still.length > 0 ? still : missing)
      .map((r) => `${r.pkg} (${r.probe})`)
      .join(', ');
    log(
      `system packages: still missing after apt-get (exit ${install.status}): ${what}` +
        (tail.join('').length > 0 ? `; apt-get said:\n  ${tail.join('\n  ')}` : ''),
    );
    return false;
  }
  log(`system packages: installed ${names.join(' ')}`);
  return true;
}

// Run directly: `node scripts/setup-system.mjs` exits 0 when ready, 1 otherwise.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = ensureSystemPackages() ? 0 : 1;
}
