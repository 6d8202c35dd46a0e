/**
 * The report's stylesheet, inlined into the page (it must open from a mail attachment, with
 * no network: system fonts only, no images but what the page's script draws). Colours of
 * the page kinds are shared with the script that draws the page maps ({@link KIND_COLOURS}).
 */
import type { PageKind } from "@vmstate/inspect";

/** Page-map colours: zero pages quiet, data pages strong, absent pages marked. */
export const KIND_COLOURS: Readonly<Record<PageKind, string>> = {
  zero: "#dfe3e8",
  normal: "#3b6fc4",
  compressed: "#2e9e74",
  xbzrle: "#e0892c",
  absent: "#f2b8b8",
};

/** Section bar colours, picked by section name so a name keeps its colour across reports. */
export const SECTION_COLOURS: readonly string[] = ["#5a8fd6", "#7b6cc9", "#3ea58a", "#c9883a", "#c45d7a", "#4c9fb5", "#8a9a3e", "#a0707d"];
export const RAM_SECTION_COLOUR = "#9aa5b4";

export const STYLES = `
:root { --fg:#1d232b; --muted:#5d6773; --line:#dde2e8; --bg:#f6f7f9; --card:#fff; --accent:#2f62b8;
  --ok:#1e7b45; --ok-bg:#e4f4ea; --bad:#b3261e; --bad-bg:#fbe7e6; --warn:#8a5a00; --warn-bg:#fdf1d8; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1200px; margin:0 auto; padding:20px 24px 48px; }
header h1 { font-size:20px; margin:0 0 4px; }
header .meta { color:var(--muted); }
code, pre, .mono { font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace; font-size:12.5px; }
section.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:16px 20px; margin:16px 0; }
section.card > h2 { font-size:16px; margin:0 0 12px; }
h3 { font-size:14px; margin:14px 0 6px; }
.damage { background:var(--warn-bg); color:var(--warn); border:1px solid #f0d9a6; border-radius:6px; padding:8px 12px; margin:12px 0; }
.verdict { display:flex; align-items:center; gap:12px; flex-wrap:wrap; }
.verdict-pill { font-weight:700; font-size:17px; padding:6px 14px; border-radius:999px; }
.v-loads { background:var(--ok-bg); color:var(--ok); }
.v-refuses { background:var(--bad-bg); color:var(--bad); }
.v-cannot-tell { background:var(--warn-bg); color:var(--warn); }
.kv { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:8px 0; }
.kv dt { color:var(--muted); }
.kv dd { margin:0; }
pre.box { background:#f3f5f8; border:1px solid var(--line); border-radius:6px; padding:10px 12px; overflow:auto; white-space:pre-wrap; word-break:break-all; margin:6px 0; }
pre.cmd { word-break:normal; overflow-wrap:anywhere; }
pre.error { background:var(--bad-bg); border-color:#f1c9c6; color:#6b1510; }
.fix-row { display:flex; gap:8px; align-items:flex-start; }
.fix-row pre { flex:1; margin:0; }
button { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:5px 12px; cursor:pointer; }
button:hover { border-color:var(--accent); color:var(--accent); }
button.copied { border-color:var(--ok); color:var(--ok); }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:3px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); background:#fafbfc; position:sticky; top:0; }
.risk, .status { display:inline-block; font-size:11.5px; font-weight:600; padding:1px 8px; border-radius:999px; white-space:nowrap; }
.risk-tolerated { background:var(--ok-bg); color:var(--ok); }
.risk-enforced { background:#e6eefb; color:#24569e; }
.risk-guest-state { background:var(--bad-bg); color:var(--bad); }
.st-same, .st-source { background:#eef0f3; color:var(--muted); }
.st-differs { background:var(--warn-bg); color:var(--warn); }
.st-only-source { background:var(--bad-bg); color:var(--bad); }
.st-only-dest { background:#e6eefb; color:#24569e; }
.sev { font-weight:600; }
.sev-fatal { color:var(--bad); } .sev-possible { color:var(--warn); } .sev-warning { color:var(--muted); }
ol.problems li { margin:6px 0; }
.qemu { color:var(--muted); }
ul.compact { margin:4px 0; padding-left:20px; }
.bar { display:flex; height:34px; border-radius:6px; overflow:hidden; border:1px solid var(--line); margin:6px 0; }
.bar a { display:block; min-width:3px; border-right:1px solid rgba(255,255,255,.7); }
.bar a:hover, .bar a.hot { filter:brightness(.8); }
.bar-info { min-height:1.45em; color:var(--muted); }
details.sec { border-bottom:1px solid var(--line); }
details.sec > summary, .sec-cols { padding:3px 4px; display:grid; grid-template-columns:10px 12px 96px 116px minmax(180px,1fr) 64px 90px; gap:8px; align-items:center; }
.sec-list { max-height:420px; overflow:auto; border:1px solid var(--line); border-radius:6px; margin-top:8px; }
details.sec > summary { cursor:pointer; }
.sec-cols { color:var(--muted); font-weight:600; border-bottom:1px solid var(--line); background:#fafbfc; position:sticky; top:0; z-index:1; }
details.sec > summary::-webkit-details-marker { display:none; }
details.sec > summary::before { content:"\\25B8"; color:var(--muted); }
details.sec[open] > summary::before { content:"\\25BE"; }
details.sec.flash > summary { background:#fff6d6; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; vertical-align:middle; }
details.sec > summary .swatch { margin:0; }
/* "PART ×1,243" on one line: the column fits a count of up to six digits. */
.sec-type { white-space:nowrap; }
.fields { margin:4px 0 10px 26px; width:auto; min-width:60%; }
.fields td { padding:1px 8px; border-bottom:1px solid #eef0f3; }
.fields .val { word-break:break-all; max-width:640px; }
.fields .d0 { padding-left:8px; } .fields .d1 { padding-left:24px; } .fields .d2 { padding-left:40px; } .fields .d3 { padding-left:56px; }
.fields .d4 { padding-left:72px; } .fields .d5 { padding-left:88px; } .fields .d6 { padding-left:104px; } .fields .d7 { padding-left:120px; }
.fields .sub td { font-weight:600; background:#fafbfc; }
.ram-block { margin:10px 0 18px; }
.ram-block h3 small { color:var(--muted); font-weight:400; margin-left:8px; }
.kinds { display:flex; flex-wrap:wrap; gap:6px 16px; margin:4px 0 6px; }
.kinds span.kind { white-space:nowrap; }
canvas.pagemap { display:block; width:100%; border:1px solid var(--line); border-radius:4px; cursor:crosshair; }
.map-info { min-height:1.45em; color:var(--muted); }
.filters { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; margin:4px 0 10px; }
.filters label { white-space:nowrap; }
.filters input[type=search] { font:inherit; padding:5px 8px; border:1px solid var(--line); border-radius:6px; min-width:240px; }
.filters select { font:inherit; padding:4px; }
.table-scroll { max-height:560px; overflow:auto; border:1px solid var(--line); border-radius:6px; }
#registers td.differ { background:#fff8e6; }
.muted { color:var(--muted); }
footer { color:var(--muted); font-size:12px; margin-top:24px; }
`;
