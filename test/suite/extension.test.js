// The extension's user paths, run inside a real VS Code (code-server or Electron) against the
// bundled language server, on the fixture workspace test/e2e/vscode/workspace.
const assert = require('assert');
const fs = require('fs');
const vscode = require('vscode');

const EXT_ID = 'dmabuf-lab.dmabuf-lab';
const FILE = 'broken.dmabuf';
const BAD = 'camera_maps_twice';
const GOOD = 'camera_maps_once';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code));
const lineOf = (doc, re) => doc.getText().split('\n').findIndex((l) => re.test(l));

suite('DMA-BUF Lab in VS Code', () => {
  let api;
  let doc;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, `${EXT_ID} is not loaded`);
    const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
    assert.ok(folder, 'the suite needs the fixture workspace open');
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, FILE));
    await vscode.window.showTextDocument(doc);
    api = await ext.activate();
  });

  test('activates on a .dmabuf file and starts the language server', async () => {
    assert.strictEqual(doc.languageId, 'dmabuf');
    assert.ok(vscode.extensions.getExtension(EXT_ID).isActive);
    await until('the server to run', () => api.server.running);
  });

  test('registers every command of the protocol', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['dmabuf.runScenario', 'dmabuf.showTrace', 'dmabuf.showKernelC', 'dmabuf.restartServer', 'dmabuf.openRuleDocs']) {
      assert.ok(all.includes(id), `${id} missing`);
    }
  });

  test('publishes the finding at the failing statement, with its rule and a link to its docs', async () => {
    const diags = await until('MAP-02', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => codeOf(x) === 'MAP-02');
      return d.length ? d : undefined;
    });
    const d = diags[0];
    assert.strictEqual(d.source, 'dmabuf');
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(d.range.start.line, lineOf(doc, /sgt2 = map_unlocked att from_device/));
    assert.ok(typeof d.code === 'object' && d.code.target, 'the code links to the rule page');
    const goodStart = lineOf(doc, new RegExp(`scenario ${GOOD}`));
    const goodErrors = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.range.start.line >= goodStart && x.severity === vscode.DiagnosticSeverity.Error);
    assert.deepStrictEqual(goodErrors.map((x) => `${codeOf(x)} ${x.message}`), [], 'the good twin has no error');
  });

  test('a finding offers its trace step and its rule documentation as code actions', async () => {
    // The server may re-publish while the engine re-checks (e.g. after the settings arrive): ask
    // again until the diagnostic that the actions come from is back in the markers.
    const actions = await until('code actions on MAP-02', async () => {
      const d = vscode.languages.getDiagnostics(doc.uri).find((x) => codeOf(x) === 'MAP-02');
      if (!d) return undefined;
      const a = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, d.range);
      return a && a.length ? a : undefined;
    });
    const titles = actions.map((a) => a.title);
    const trace = actions.find((a) => /Show the trace of camera_maps_twice at step \d+/.test(a.title));
    assert.ok(trace, `titles: ${JSON.stringify(titles)}`);
    assert.deepStrictEqual(trace.command.arguments.slice(0, 2), [doc.uri.toString(), BAD]);
    assert.ok(titles.includes('Open the documentation of MAP-02'), JSON.stringify(titles));
  });

  test('hover names the kernel call a statement stands for', async () => {
    const line = lineOf(doc, /att = attach buf camera/);
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('attach') + 2);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /dma_buf_attach/);
  });

  test('CodeLenses offer Run scenario and Show trace for each scenario', async () => {
    const lenses = await until('code lenses', async () => {
      const l = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 10);
      return l && l.some((x) => x.command) ? l : undefined;
    });
    const run = lenses.filter((l) => l.command && l.command.command === 'dmabuf.runScenario');
    assert.deepStrictEqual(run.map((l) => l.command.arguments[1]).sort(), [BAD, GOOD].sort());
    assert.strictEqual(run[0].command.arguments[0], doc.uri.toString());
    assert.ok(lenses.some((l) => l.command && l.command.command === 'dmabuf.showTrace'));
  });

  test('Run scenario on the broken scenario fails with MAP-02 and shows the trace', async () => {
    const result = await vscode.commands.executeCommand('dmabuf.runScenario', doc.uri.toString(), BAD);
    assert.ok(result, 'the command returns the run');
    assert.ok(result.findings.some((f) => String(f.code) === 'MAP-02' && f.severity === 1));
    const failing = result.steps.find((s) => s.findings.includes('MAP-02'));
    assert.ok(failing, 'a trace step carries MAP-02');
    assert.strictEqual(failing.location.range.start.line, lineOf(doc, /sgt2 = map_unlocked att from_device/));
    assert.strictEqual(api.tracePanel.current.target.scenario, BAD);
    assert.strictEqual(api.tracePanel.current.trace, result);
    assert.ok(api.tracePanel.visible, 'the trace panel is on screen');
  });

  test('Run scenario on the good twin finds no error', async () => {
    const result = await vscode.commands.executeCommand('dmabuf.runScenario', doc.uri.toString(), GOOD);
    assert.deepStrictEqual(result.findings.filter((f) => f.severity === 1).map((f) => f.code), []);
    assert.ok(result.steps.length > 0);
  });

  test('Show trace loads the last analysis of a scenario into the panel', async () => {
    const loaded = new Promise((r) => {
      const sub = api.tracePanel.onDidLoad((t) => {
        sub.dispose();
        r(t);
      });
    });
    await vscode.commands.executeCommand('dmabuf.showTrace', doc.uri.toString(), BAD);
    const trace = await Promise.race([loaded, sleep(15000).then(() => undefined)]);
    assert.ok(trace, 'a trace reached the panel');
    assert.strictEqual(trace.scenario, BAD);
    assert.ok(trace.steps.some((s) => s.findings.includes('MAP-02')));
  });

  test('the trace refreshes after an edit', async () => {
    const before = api.tracePanel.current.trace.version;
    const loaded = new Promise((r) => {
      const sub = api.tracePanel.onDidLoad((t) => {
        sub.dispose();
        r(t);
      });
    });
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(lineOf(doc, /put buf/), 0), '  // an edit\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const trace = await Promise.race([loaded, sleep(15000).then(() => undefined)]);
    assert.ok(trace, 'the panel got a new trace');
    assert.ok(trace.version > before, `version ${trace.version} after ${before}`);
    await vscode.commands.executeCommand('undo');
  });

  test('Show as kernel C opens the call sequence in a C document', async () => {
    const c = await vscode.commands.executeCommand('dmabuf.showKernelC', doc.uri.toString(), BAD);
    assert.ok(c, 'a document was opened');
    assert.strictEqual(c.languageId, 'c');
    assert.match(c.getText(), /dma_buf_attach/);
    assert.match(c.getText(), /dma_buf_map_attachment/);
    await vscode.window.showTextDocument(doc);
  });

  test('the Testing view has one test per scenario; the broken one fails, its twin passes', async () => {
    const file = await until('the file test item', () => api.tests.controller.items.get(doc.uri.toString()));
    await until('scenario items', () => file.children.size === 2);
    const source = new vscode.CancellationTokenSource();
    await api.tests.run(new vscode.TestRunRequest([file]), source.token);
    assert.strictEqual(api.tests.outcomes.get(`${doc.uri.toString()}#${BAD}`), 'failed');
    assert.strictEqual(api.tests.outcomes.get(`${doc.uri.toString()}#${GOOD}`), 'passed');
  });

  test('Open rule docs shows the rule page in the Markdown preview', async () => {
    // scripts/build.mjs always generates the rule pages and the .vsix ships them: a missing page is
    // a broken build or package, which this test must report, not skip.
    const page = vscode.Uri.joinPath(vscode.extensions.getExtension(EXT_ID).extensionUri, 'dist', 'docs', 'rules', 'MAP-02.md');
    assert.ok(fs.existsSync(page.fsPath), `${page.fsPath} is missing: the build did not generate the rule pages (scripts/gen-rule-docs.ts)`);
    await vscode.commands.executeCommand('dmabuf.openRuleDocs', 'MAP-02');
    await until('a preview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => /MAP-02/.test(t.label) && t.input && t.input.viewType && /markdown/i.test(t.input.viewType)),
    );
  });

  test('the walkthrough opens its sample as an unsaved document that is checked too', async () => {
    await vscode.commands.executeCommand('dmabuf.openWalkthroughSample');
    const sample = vscode.window.activeTextEditor.document;
    assert.strictEqual(sample.uri.scheme, 'untitled');
    assert.strictEqual(sample.languageId, 'dmabuf');
    assert.match(sample.getText(), /scenario camera_maps_twice/);
    await until('MAP-02 on the unsaved sample', () => vscode.languages.getDiagnostics(sample.uri).some((x) => codeOf(x) === 'MAP-02'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(doc);
  });

  test('Restart server brings it back with diagnostics', async () => {
    await vscode.commands.executeCommand('dmabuf.restartServer');
    assert.ok(api.server.running);
    await until('MAP-02 after restart', () => vscode.languages.getDiagnostics(doc.uri).some((x) => codeOf(x) === 'MAP-02'));
  });
});
