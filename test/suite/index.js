// Mocha entry for the integration suite that runs inside VS Code's extension host: the same file
// works under @vscode/test-electron (test/e2e/electron.e2e.mjs) and under code-server
// (extensionTestsPath, test/e2e/code-server.e2e.mjs).
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

exports.run = function run() {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000 });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
  });
};
