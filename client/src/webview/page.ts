// The trace panel's HTML: a strict Content-Security-Policy (nothing but our stylesheet and our
// nonce'd script; no inline styles, no remote anything) and the skeleton main.ts fills in. Pure,
// so the host and the browser-only performance harness serve the same page.

export interface PageResources {
  /** `webview.cspSource` in VS Code; the origin the script and stylesheet come from. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Extra nonce'd script before ours (the harness's stand-in for acquireVsCodeApi). */
  readonly preludeScript?: string;
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function tracePageHtml(r: PageResources): string {
  const csp = [
    "default-src 'none'",
    `style-src ${r.cspSource}`,
    `script-src 'nonce-${r.nonce}'`,
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
  ].join('; ');
  const prelude = r.preludeScript ? `<script nonce="${attr(r.nonce)}">${r.preludeScript}</script>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(r.styleUri)}">
<title>DMA-BUF trace</title>
</head>
<body>
<header>
  <div class="title-line">
    <h1><span id="scenario">Loading…</span> <span class="on">on</span> <span id="platform"></span></h1>
    <select id="profile" title="The kernel profile whose trace is shown (the scenario runs as a version matrix)" hidden></select>
    <button id="run" title="Run the scenario again with the full exploration budget">Run scenario</button>
  </div>
  <div id="stats"></div>
  <div id="notice" class="notice" hidden></div>
  <ul id="findings" hidden></ul>
  <div class="filters">
    <span class="filter-label">Agents</span><span id="agents"></span>
    <label>Object <select id="object"></select></label>
    <label><input type="checkbox" id="failing-only"> failing steps only</label>
    <span id="count"></span>
  </div>
</header>
<main>
  <section id="scroller" tabindex="0" role="listbox" aria-label="Trace steps">
    <div id="lane-head"></div>
    <div id="canvas">
      <div id="lane-lines"></div>
      <svg id="arrows" xmlns="http://www.w3.org/2000/svg"><defs><marker id="arrowhead" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" class="arrowhead"/></marker></defs></svg>
      <div id="rows"></div>
    </div>
  </section>
  <aside id="inspector"></aside>
</main>
${prelude}<script nonce="${attr(r.nonce)}" src="${attr(r.scriptUri)}"></script>
</body>
</html>`;
}
