// Driving code-server's workbench (VS Code in a browser) with playwright-core and Debian's
// Chromium: the few gestures the end-to-end test needs, each waiting for what a person would see.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';

export async function launchBrowser(pwDir) {
  const require = createRequire(path.join(pwDir, 'x.js'));
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Chromium writes ~/.pki and ~/.cache/dconf whatever --user-data-dir says: keep them in the profile.
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    headless: true,
    viewport: { width: 1500, height: 950 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    ctx,
    async close() {
      await ctx.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The workbench URL for a folder. code-server's remote authority is the literal `remote`, and it
 * honours extensionDevelopmentPath/extensionTestsPath only with `--vscode-option enable-smoke-test-driver`.
 */
export function workbenchUrl(port, folder, { devExt, tests } = {}) {
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  const payload = [];
  if (devExt) payload.push(['extensionDevelopmentPath', `vscode-remote://remote${devExt}`]);
  if (tests) payload.push(['extensionTestsPath', `vscode-remote://remote${tests}`]);
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export async function newPage(ctx) {
  const page = ctx.pages()[0] || (await ctx.newPage());
  page.setDefaultTimeout(Number(process.env.E2E_TIMEOUT_MS) || 30000);
  const consoleErrors = [];
  page.on('console', (m) => {
    // vsda is Microsoft-only and absent from code-server: its two 404s are expected.
    if (m.type() === 'error' && !/vsda/.test(m.text())) consoleErrors.push(m.text());
  });
  return { page, consoleErrors };
}

/** Opens a workspace file with Quick Open (Ctrl+P), which does not depend on the Explorer's state. */
export async function openFile(page, name) {
  const tab = page.locator('.tabs-container .tab').filter({ hasText: name });
  for (let attempt = 0; attempt < 3 && !(await tab.count()); attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name }).first();
    try {
      await row.waitFor({ timeout: 10000 });
    } catch {
      await page.keyboard.press('Escape'); // the file index was not ready yet: try again
      continue;
    }
    await page.keyboard.press('Enter');
    await tab.first().waitFor({ timeout: 10000 }).catch(() => {});
  }
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

export async function waitForSquiggle(page, severity = 'error') {
  await page.locator(`.monaco-editor .squiggly-${severity}`).first().waitFor();
}

export async function problemsRows(page, mustContain) {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').filter({ hasText: mustContain }).waitFor();
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
}

/**
 * Puts the mouse on character `at` (default: the middle) of the first occurrence of `text` in the
 * editor and returns the text of the hover that contains `mustContain`.
 */
export async function hoverText(page, text, mustContain, at) {
  const point = await page.evaluate(([needle, offset]) => {
    for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let acc = '';
      const nodes = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push([n, acc.length]);
        acc += n.textContent;
      }
      // Monaco renders spaces as U+00A0.
      const at = acc.replace(/\u00a0/g, ' ').indexOf(needle);
      if (at < 0) continue;
      const mid = at + (offset ?? Math.floor(needle.length / 2));
      const [node, start] = nodes.filter(([, s]) => s <= mid).pop();
      const range = document.createRange();
      range.setStart(node, mid - start);
      range.setEnd(node, Math.min(node.textContent.length, mid - start + 1));
      const r = range.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }
    return null;
  }, [text, at]);
  if (!point) throw new Error(`"${text}" is not on screen in the editor`);
  await page.mouse.move(point.x, point.y);
  const hover = page.locator('.monaco-hover').filter({ hasText: mustContain });
  await hover.waitFor();
  return (await hover.innerText()).replace(/\s+/g, ' ').trim();
}

export async function runPaletteCommand(page, label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${label}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The frame of a webview whose page shows `text` (webview content sits in nested iframes). */
export async function webviewFrame(page, text, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (f === page.mainFrame()) continue;
      const body = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (body.includes(text)) return f;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview frame shows "${text}" after ${timeoutMs} ms`);
}

/** The 1-based line numbers the first editor group marks as holding the selection/cursor. */
export async function activeLineNumbers(page, groupIndex = 0) {
  const group = page.locator('.editor-group-container').nth(groupIndex);
  return (await group.locator('.monaco-editor .line-numbers.active-line-number').allInnerTexts()).map((s) => Number(s.trim()));
}

export async function statusBarTexts(page) {
  return (await page.locator('.statusbar-item').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Runs the extension's Mocha suite in code-server's extension host; resolves with its exit code and log. */
export async function runExtensionTests(ctx, url, timeoutMs = 120000) {
  const { page } = await newPage(ctx);
  const lines = [];
  let done;
  const exited = new Promise((r) => (done = r));
  // The workbench forwards the extension host's console (Mocha's reporter) and the exit code here.
  let finished = false;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = util.format(...[].concat(args));
    lines.push(line);
    // Mocha's reporter lines (and errors) only: the workbench forwards much else.
    if (!finished && (type === 'error' || /^\s+(✔|✓|\d+\)|\d+ (passing|failing|pending))|^\s{2}\S/.test(line)) && !/^\s*\[|Ignoring fetching/.test(line)) {
      console.log(`  | ${line}`);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  await page.goto(url);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
  finished = true;
  await page.close().catch(() => {});
  return { code, lines };
}
