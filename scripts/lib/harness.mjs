// Shared pieces of the test suites that run as plain node scripts (package, vsix-smoke, the real
// VS Code driver): a tally of named tests that ends by writing {passed, failed, failures} to
// $MLTM_COUNTS_FILE for scripts/test-all.mjs, and the loopback-server helpers they need.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Throws `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * A tally of tests. `test(title, fn)` runs `fn` and records the outcome; when `fn` returns a
 * promise, `test` returns one too (await it), otherwise it records synchronously.
 */
export function createSuite(name) {
  const counts = { passed: 0, failed: 0, failures: [] };
  const pass = (title) => {
    counts.passed++;
    console.log(`  ✔ ${title}`);
  };
  const fail = (title, error) => {
    counts.failed++;
    const message = error instanceof Error ? error.message : String(error);
    counts.failures.push({ title, message });
    console.log(`  ✖ ${title}\n      ${message.split('\n').join('\n      ')}`);
  };
  return {
    counts,
    fail,
    test(title, fn) {
      try {
        const result = fn();
        if (result && typeof result.then === 'function')
          return result.then(
            () => pass(title),
            (error) => fail(title, error),
          );
        pass(title);
      } catch (error) {
        fail(title, error);
      }
      return undefined;
    },
    /** Prints the summary (with `suffix`), writes the counts file and sets the exit code. */
    finish(suffix = '') {
      console.log(`\n${name}: ${counts.passed} passed, ${counts.failed} failed${suffix}`);
      if (process.env.MLTM_COUNTS_FILE)
        writeFileSync(process.env.MLTM_COUNTS_FILE, JSON.stringify(counts));
      process.exitCode = counts.failed > 0 ? 1 : 0;
    },
  };
}

/** A TCP port free on loopback right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 500 ms until it holds or `deadline` passes (elapsed time counted from `since`). */
export async function waitFor(what, predicate, deadline, since = Date.now()) {
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(500);
  }
  throw new Error(
    `timed out after ${((Date.now() - since) / 1000).toFixed(0)} s waiting for ${what}`,
  );
}

/**
 * Waits until the code-server child `server` answers /healthz on `port`; fails at once with the
 * tail of its output (`output`, the chunks it wrote) if it exits first. One wait for every
 * runner that drives a code-server workbench (real VS Code, web, VSIX smoke).
 */
export function waitForCodeServer(server, output, port, deadline, since) {
  return waitFor(
    'code-server to listen',
    async () => {
      if (server.exitCode !== null)
        throw new Error(
          `code-server exited with ${server.exitCode}:\n${Buffer.concat(output).toString().slice(-2000)}`,
        );
      return fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    deadline,
    since,
  );
}

/** Debian Chromium (or `MLTM_CHROMIUM`), headless and quiet, through playwright-core. */
export async function launchHeadlessChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.MLTM_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
