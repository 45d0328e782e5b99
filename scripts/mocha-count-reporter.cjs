// Mocha reporter for `npm test`: prints like the `dot` reporter, and writes the pass/fail counts
// and failure titles to the file named by MLTM_COUNTS_FILE so scripts/test-all.mjs can total
// every suite into one `N passed, N failed` line.
'use strict';
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    let passed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) =>
      failures.push({ title: test.fullTitle(), message: String(error && error.message) }),
    );
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.MLTM_COUNTS_FILE;
      if (file) writeFileSync(file, JSON.stringify({ passed, failed: failures.length, failures }));
    });
  }
}
module.exports = CountReporter;
