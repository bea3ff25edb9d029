// Mocha entry for the integration suite that runs inside VS Code's extension host: the same file
// works under @vscode/test-electron (test/e2e/electron.e2e.mjs) and under code-server
// (extensionTestsPath, test/e2e/code-server.e2e.mjs).
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000 });
  const files = fs.readdirSync(__dirname).sort().filter((f) => f.endsWith('.test.js'));
  // No test file means no test: that is a failure, not a pass.
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js file in ${__dirname}`));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (failures) reject(new Error(`${failures} tests failed.`));
      else if (runner.stats && runner.stats.tests === 0) reject(new Error('the suite ran no test'));
      else resolve();
    });
  });
};
