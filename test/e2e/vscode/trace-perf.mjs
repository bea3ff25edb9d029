// The trace webview alone in headless Chromium, fed a 10,000-step trace the way the host feeds
// it (postMessage), to measure what "smooth" means: time to first rows, rows kept in the DOM,
// frame times while scrolling end to end, a click on a step, an agent filter. The page is the
// one the extension serves (tracePageHtml) with the same CSP; only acquireVsCodeApi is a stand-in.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

/** A trace like the engine's: four agents, fences every 10 steps, sg tables in the state. */
export function syntheticTrace(n, entriesPerTable = 16) {
  const agents = ['cpu', 'dev:camera', 'dev:display', 'thread:worker'];
  const steps = [];
  for (let i = 1; i <= n; i++) {
    const agent = agents[i % agents.length];
    const entries = Array.from({ length: entriesPerTable }, (_, k) => ({ phys: 0x2_0000_0000 + k * 4096, page: true, offset: 0, length: 4096, dmaAddress: 0x1000_0000 + k * 4096, dmaLength: 4096 }));
    steps.push({
      index: i,
      agent,
      call: `dma_buf_map_attachment_unlocked(att${i % 5}, DMA_BIDIRECTIONAL)`,
      outcome: i % 997 === 0 ? '-EBUSY' : '0',
      ok: i % 997 !== 0,
      location: { file: '/ws/big.dmabuf', span: { start: i * 40, end: i * 40 + 30 }, range: { start: { line: i, character: 2 }, end: { line: i, character: 32 } } },
      changes: [
        { object: `buf${i % 7}`, kind: 'buffer', summary: `refcount ${i % 5}`, state: { refcount: i % 5, size: 65536 } },
        { object: `sgt${i % 5}`, kind: 'sgt', summary: `${entriesPerTable} entries`, state: { nents: entriesPerTable, entries } },
      ],
      findings: i % 997 === 0 ? ['MAP-02'] : [],
      signals: i % 10 === 0 ? [`f${i / 10}`] : undefined,
      waitsOn: i % 10 === 7 && i > 10 ? [`f${Math.floor(i / 10)}`] : undefined,
    });
  }
  return {
    uri: 'file:///ws/big.dmabuf',
    scenario: 'ten_thousand_steps',
    platform: 'arm64_soc',
    steps,
    findings: steps.filter((s) => s.findings.length).map((s) => ({ range: s.location.range, message: 'map returns -EBUSY', severity: 1, code: 'MAP-02', source: 'dmabuf', traceStep: s.index })),
    exploration: { schedules: 1, states: n, cutShort: false, millis: 40 },
    version: 1,
  };
}

const STUB = `
window.__posted = [];
window.__state = undefined;
function acquireVsCodeApi() {
  return {
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  };
}`;

async function bundlePage(root) {
  const esbuild = await import(pathToFileURL(path.join(root, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
  const out = esbuild.default.buildSync({ entryPoints: [path.join(root, 'client', 'src', 'webview', 'page.ts')], bundle: true, format: 'esm', write: false, platform: 'neutral' });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
  return mod.tracePageHtml;
}

/** Returns the measurements; throws when the page breaks. */
export async function measureTraceView({ root, pwDir, shot, steps = 10_000, entriesPerTable = 16, jumps = 120 }) {
  const tracePageHtml = await bundlePage(root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-trace-perf-'));
  const nonce = randomBytes(16).toString('base64');
  const html = tracePageHtml({
    cspSource: 'file:',
    nonce,
    scriptUri: pathToFileURL(path.join(root, 'dist', 'webview.js')).href,
    styleUri: pathToFileURL(path.join(root, 'media', 'trace.css')).href,
    preludeScript: STUB,
  });
  fs.writeFileSync(path.join(dir, 'index.html'), html);
  const require = createRequire(path.join(pwDir, 'x.js'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const cspErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') cspErrors.push(m.text()); });
    page.on('pageerror', (e) => cspErrors.push(String(e)));
    await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    const trace = syntheticTrace(steps, entriesPerTable);
    // Main-thread time (script, layout, style) from Chromium itself: on a loaded machine the frame
    // intervals include waiting for a CPU, these durations mostly do not.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    await page.exposeFunction('__metrics', metrics);
    const m = await page.evaluate(async ([t, JUMPS]) => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      const out = {};
      let t0 = performance.now();
      window.postMessage({ type: 'load', origin: 'trace', trace: t }, '*');
      while (!document.querySelector('.row')) await frame();
      await frame();
      out.loadMs = performance.now() - t0;
      const measure = (name) => performance.getEntriesByName(name).map((e) => e.duration).pop();
      out.validateMs = measure('dmabuf:validate:load');
      out.buildAndRenderMs = measure('dmabuf:handle:load');
      out.rowsInDom = document.querySelectorAll('.row').length;
      out.arrowsAtLoad = document.querySelectorAll('#arrows path.fence-arrow').length;
      const scroller = document.getElementById('scroller');
      // Scroll from top to bottom in viewport-sized jumps, one jump per frame, timing each frame.
      scroller.scrollTop = 0;
      await frame();
      const before = await window.__metrics();
      const frames = [];
      // JUMPS evenly spaced jumps, each longer than the viewport: every frame replaces every row,
      // the worst case for a virtualised list (a wheel scroll adds a few rows a frame).
      const jump = Math.max(scroller.clientHeight, Math.ceil(scroller.scrollHeight / JUMPS));
      let last = await frame();
      let maxRows = 0;
      while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
        scroller.scrollTop += jump;
        const now = await frame();
        frames.push(now - last);
        last = now;
        maxRows = Math.max(maxRows, document.querySelectorAll('.row').length);
      }
      const after = await window.__metrics();
      const busy = (k) => (after[k] - before[k]) * 1000;
      out.mainThreadMsPerFrame = (busy('ScriptDuration') + busy('LayoutDuration') + busy('RecalcStyleDuration')) / frames.length;
      out.taskMsPerFrame = busy('TaskDuration') / frames.length;
      frames.sort((a, b) => a - b);
      out.scrollFrames = frames.length;
      out.frameAvgMs = frames.reduce((a, b) => a + b, 0) / frames.length;
      out.frameP95Ms = frames[Math.floor(frames.length * 0.95)];
      out.frameMaxMs = frames[frames.length - 1];
      out.maxRowsInDom = maxRows;
      out.reachedEnd = [...document.querySelectorAll('.row .index')].some((e) => e.textContent === String(t.steps.length));
      // A click on a visible step: selection, inspector, reveal request.
      const row = document.querySelector('.row');
      t0 = performance.now();
      row.click();
      await frame();
      out.clickMs = performance.now() - t0;
      out.revealPosted = window.__posted.some((p) => p.type === 'reveal' && p.step === Number(row.querySelector('.index').textContent));
      out.inspectorHasState = /State after step/.test(document.getElementById('inspector').textContent);
      // Hide one agent: filter 10,000 rows and re-render.
      const box = document.querySelector('#agents input[data-agent="dev:camera"]');
      t0 = performance.now();
      box.click();
      await frame();
      out.filterMs = performance.now() - t0;
      out.countAfterFilter = document.getElementById('count').textContent;
      out.arrows = document.querySelectorAll('#arrows path.fence-arrow').length;
      out.rowsAfterFilter = document.querySelectorAll('.row').length;
      out.persisted = window.__state && Array.isArray(window.__state.hiddenAgents) && window.__state.hiddenAgents.includes('dev:camera');
      return out;
    }, [trace, jumps]);
    if (shot) await page.screenshot({ path: shot });
    m.pageErrors = cspErrors;
    return m;
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
