import { Html, html } from './html.js';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** One inline style block: no external assets, so the console works offline and under a strict CSP. */
const CSS = `
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#f5f6f8; --card:#fff; --accent:#0b57d0; --ok:#1a7f37; --bad:#b42318; --warn:#9a6700; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); line-height: 1.5; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; border-radius: 3px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 2; }
.skip:focus { left: .5rem; }
header.top { background: #1f2a37; color: #fff; }
header.top .bar { max-width: 78rem; margin: 0 auto; padding: .6rem 1.25rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header.top .brand { font-weight: 700; letter-spacing: .01em; }
header.top nav { display: flex; gap: .25rem; }
header.top nav a { color: #dbe4ee; text-decoration: none; padding: .3rem .7rem; border-radius: 6px; }
header.top nav a[aria-current="page"] { background: #34455a; color: #fff; }
header.top nav a:hover { background: #2c3b4e; color: #fff; }
header.top .who { margin-left: auto; color: #c4cfdb; font-size: .9rem; }
main { max-width: 78rem; margin: 0 auto; padding: 1.25rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; line-height: 1.25; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
.grid { display: grid; grid-template-columns: minmax(0, 1.9fr) minmax(19rem, 1fr); gap: 1rem; align-items: start; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(46rem, 1fr)); gap: 0 1rem; align-items: start; }
@media (max-width: 60rem) { .grid { grid-template-columns: 1fr; } }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); background: #f0f2f5; }
tbody th { text-transform: none; letter-spacing: 0; font-size: inherit; color: inherit; background: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:hover { background: #f8fafc; }
.badge { display: inline-block; padding: .05rem .55rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.s-pending { background: #fff4d6; color: #7a4d00; border-color: #f0c36d; }
.s-approved, .s-executing { background: #e0ecff; color: #0b3d91; border-color: #9dbcf5; }
.s-executed { background: #dcf5e3; color: #11632b; border-color: #8fd3a5; }
.s-failed { background: #fde2e1; color: #8c1d13; border-color: #f1a39c; }
.s-rejected { background: #eceff3; color: #3d4751; border-color: #c3cad3; }
.s-allow { background: #dcf5e3; color: #11632b; }
.s-deny { background: #fde2e1; color: #8c1d13; }
.flash { border-radius: 8px; padding: .75rem 1rem; margin-bottom: 1rem; border: 1px solid; font-weight: 500; }
.flash.ok { background: #e9f7ee; border-color: #8fd3a5; color: #11632b; }
.flash.error { background: #fdecea; border-color: #f1a39c; color: #8c1d13; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: end; }
label { display: block; font-weight: 600; font-size: .875rem; margin-bottom: .2rem; }
.field { margin-bottom: .75rem; }
input[type=text], input[type=number], select, textarea { font: inherit; font-size: .95rem; padding: .4rem .55rem; border: 1px solid #8c959f; border-radius: 6px; background: #fff; color: var(--ink); width: 100%; }
form.filters input, form.filters select { width: auto; min-width: 9rem; }
textarea { min-height: 5.5rem; resize: vertical; }
button, .button { font: inherit; font-weight: 600; padding: .45rem 1rem; border-radius: 6px; border: 1px solid #8c959f; background: #f3f4f6; color: var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
button:hover { background: #e7e9ec; }
button.approve { background: var(--ok); border-color: #116329; color: #fff; }
button.approve:hover { background: #116329; }
button.reject { background: var(--bad); border-color: #8c1d13; color: #fff; }
button.reject:hover { background: #8c1d13; }
.actions > form + form { margin-top: 1rem; padding-top: 1rem; border-top: 1px solid var(--line); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); font-size: .9rem; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.issue { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.issue .head { background: #f0f4fa; padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
.issue .head .key { color: var(--muted); font-size: .85rem; }
.issue .head .summary { font-size: 1.15rem; font-weight: 650; margin-top: .15rem; }
.issue .body { padding: .75rem 1rem; }
.issue .body p { margin: .25rem 0 .75rem; white-space: pre-wrap; }
.labels span { display: inline-block; background: #eef1f4; border: 1px solid var(--line); border-radius: 4px; padding: 0 .4rem; margin-right: .3rem; font-size: .85rem; }
ol.steps { list-style: none; padding: 0; margin: 0; }
ol.steps li { padding: .3rem .5rem; border-radius: 4px; border-left: 4px solid transparent; }
ol.steps li .n { display: inline-block; min-width: 2.2rem; font-weight: 700; color: var(--muted); font-variant-numeric: tabular-nums; }
ol.steps li.d1 { margin-left: 1.5rem; } ol.steps li.d2 { margin-left: 3rem; } ol.steps li.d3 { margin-left: 4.5rem; }
ol.steps li.unresolved { background: #fff8e1; border-left-color: #d4a72c; }
mark { background: #ffe58f; color: inherit; padding: 0 .15rem; border-radius: 3px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .85rem; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .25rem 0; }
.diff { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .85rem; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.diff div { white-space: pre-wrap; overflow-wrap: anywhere; padding: 0 .6rem; }
.diff .add { background: #e6ffec; }
.diff .del { background: #ffebe9; }
.diff .ctx { color: var(--muted); }
.diff .gap { background: #f0f2f5; color: var(--muted); font-style: italic; }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain li { padding: .35rem 0; border-bottom: 1px solid #eef1f4; }
ul.plain li:last-child { border-bottom: 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; margin-bottom: 1rem; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.kpi .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.kpi .label { color: var(--muted); font-size: .875rem; }
svg.chart { display: block; width: 100%; height: auto; max-width: 720px; }
svg.chart text { font-family: inherit; font-size: 13px; fill: #1b1f24; }
svg.chart .bar { fill: #3b6fd8; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; font-size: .85rem; margin: .25rem 0 .5rem; }
.legend span::before { content: ""; display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; background: var(--swatch); }
details > summary { cursor: pointer; font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.bad { color: var(--bad); }
.hash { font-family: ui-monospace, monospace; font-size: .8rem; color: var(--muted); }
`;

/** The stylesheet is a constant of this file, never data, so it is the one unescaped string. */
const STYLE = new Html(CSS);

export function page(options: { title: string; reviewer: string; active: 'queue' | 'report' | 'draft'; flash?: Flash; body: Html }): string {
  const link = (href: string, name: string, label: string) =>
    options.active === name ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${options.title} · confluence-steward review</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="bar">
  <span class="brand">confluence-steward · review</span>
  <nav aria-label="Sections">
    ${link('/', 'queue', 'Queue')}
    ${link('/report', 'report', 'Trust report')}
  </nav>
  <span class="who">Signed in as <strong>${options.reviewer}</strong></span>
</div></header>
<main id="main" tabindex="-1">
${options.flash ? html`<div class="flash ${options.flash.kind}" role="${options.flash.kind === 'error' ? 'alert' : 'status'}">${options.flash.text}</div>` : ''}
${options.body}
</main>
</body>
</html>`}`;
}
