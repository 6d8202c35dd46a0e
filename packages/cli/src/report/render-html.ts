/**
 * The report's HTML: one self-contained page (inline styles and script, no fonts, images or
 * requests; a Content-Security-Policy forbids loading anything), in the order a person
 * chasing a failed restore reads it: the verdict and its fix, the stream's composition, RAM,
 * the registers, then the libvirt wrapper. Text and tables are markup made here, so the page
 * reads without its script, but for two things that ride along as JSON for the script to
 * draw: the page maps (a few thousand counts per block, never per page) and the register
 * table's rows (thousands for a many-vCPU guest, see register-table.ts). The script also
 * adds hovering, filtering and copying.
 *
 * Every string from the stream is escaped ({@link esc}, {@link scriptJson}).
 */
import { ARM_CPU_IDSTR, CPREG_FIELDS } from "@vmstate/arm";
import { WORDING_RELEASES, type Explanation, type RewriteFix } from "@vmstate/destination";
import { PAGE_KINDS, type DumpField, type DumpSection, type DumpVmsd } from "@vmstate/inspect";
import { hexOffset } from "../inspect/report-text.js";
import { valueText } from "../inspect/dump-text.js";
import { noFixSentence } from "../inspect/no-fix-sentence.js";
import { CLIENT_SCRIPT } from "./client-script.js";
import { byteSize, esc, grouped, scriptJson } from "./html-text.js";
import { compactRegisters, STATUS_LETTER, type RegisterStatus } from "./register-table.js";
import type { ReportModel, ReportRamBlock, ReportSection } from "./report-model.js";
import { KIND_COLOURS, RAM_SECTION_COLOUR, SECTION_COLOURS, STYLES } from "./styles.js";

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export function renderReport(m: ReportModel): string {
  const title = `vmstate report: ${m.source.name}`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${STYLES}</style></head><body><main>`,
    header(m),
    ...m.damage.map((d) => `<div class="damage" role="alert">${esc(d)}</div>`),
    ...m.unverified.map((u) => `<div class="damage unverified" role="alert">warning: ${esc(u)}</div>`),
    m.explanation === null ? "" : verdict(m.explanation),
    composition(m.sections, m.source.bytes, new Set(m.registers.map((c) => c.instanceId))),
    ram(m.ram, m.source.pageSize),
    registers(m),
    m.libvirt === null ? "" : libvirt(m),
    `<footer>Made by ${esc(m.generator)}. Everything on this page is in this file; it loads nothing.</footer>`,
    "</main>",
    `<script type="application/json" id="page-maps">${scriptJson(m.ram.flatMap((b) => (b.map ? [b.map] : [])))}</script>`,
    `<script type="application/json" id="page-kinds">${scriptJson({ order: PAGE_KINDS, colours: KIND_COLOURS })}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}

function header(m: ReportModel): string {
  const s = m.source;
  const facts = [
    s.machine === null ? "machine type not stated" : `machine ${s.machine}`,
    s.pageSize === null ? "" : `${s.pageSize}-byte pages`,
    ...inputSize(m),
    `footers ${yes(s.features.footers)}`,
    `vmdesc ${yes(s.features.vmdesc)}`,
    s.features.capabilities.length > 0 ? `capabilities ${s.features.capabilities.join(", ")}` : "",
  ].filter((f) => f !== "");
  return `<header><h1>${esc(s.name)}</h1><div class="meta">${esc(facts.join(" · "))}</div></header>`;
}

/**
 * The input's size. A compressed image is read decompressed: the decompressed size (what the
 * offsets on the page count) is labelled as such, and the file's own size given beside it.
 */
function inputSize(m: ReportModel): string[] {
  const s = m.source;
  if (!s.compressed) return [`${grouped(s.bytes)} bytes`];
  return [
    `${grouped(s.bytes)} bytes decompressed (offsets count these)`,
    `${m.libvirt?.format ?? "compressed"} file ${s.compressedBytes === null ? "of unknown size" : `${grouped(s.compressedBytes)} bytes`}`,
  ];
}

const yes = (v: boolean | null): string => (v === null ? "unknown" : v ? "yes" : "no");

const VERDICT_TEXT = { loads: "would load this stream", refuses: "would REFUSE this stream", "cannot-tell": "may or may not load this stream (cannot tell)" } as const;
const SEVERITY = { fatal: "refused", possible: "maybe", warning: "warning" } as const;
const RISK_HELP = {
  tolerated: "QEMU itself accepts the stream without this change",
  enforced: "a read-only register whose value the destination imposes anyway",
  "guest-state": "changes state the guest may depend on",
} as const;

function verdict(e: Explanation): string {
  const out = [
    '<section class="card" id="verdict"><h2>Would the destination load it?</h2>',
    `<div class="verdict"><span class="verdict-pill v-${e.verdict}" id="verdict-text" data-verdict="${e.verdict}">The destination ${VERDICT_TEXT[e.verdict]}</span></div>`,
    '<dl class="kv">',
    `<dt>destination</dt><dd>${esc(e.destination)} <span class="muted">(${e.destination_kind === "stream" ? "a stream it saved" : "its register ids"})</span></dd>`,
    `<dt>its QEMU</dt><dd>${esc(e.destination_release)}</dd>`,
    "</dl>",
  ];
  if (e.predicted_error !== null) {
    out.push(`<h3>QEMU would print <span class="muted">(in the wording of ${esc(WORDING_RELEASES[e.qemu_wording])})</span></h3>`);
    out.push(`<pre class="box error" id="predicted-error">${esc(e.predicted_error)}</pre>`);
  }
  out.push(fix(e));
  if (e.problems.length > 0) {
    out.push(`<details id="problems"${e.problems.length <= 6 ? " open" : ""}><summary><b>${e.problems.length} problem(s)</b>, in the order QEMU's loader meets them</summary><ol class="problems">`);
    for (const p of e.problems) {
      const where = p.section === undefined ? "" : `${esc(p.section)}: `;
      const qemu = p.qemu.length === 0 ? "" : `<div class="qemu mono">${p.qemu.map((l) => `QEMU: ${esc(l)}`).join("<br>")}</div>`;
      out.push(`<li><span class="sev sev-${p.severity}">[${SEVERITY[p.severity]}]</span> ${where}${esc(p.message)}${qemu}</li>`);
    }
    out.push("</ol></details>");
  }
  if (e.notes.length > 0) out.push(`<h3>Notes</h3><ul class="compact">${e.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  out.push("</section>");
  return out.join("\n");
}

function fix(e: Explanation): string {
  const f = e.fix;
  if (f === null) {
    return e.verdict === "loads" ? `<p>${esc(noFixSentence(e))}</p>` : `<p id="no-fix">${esc(noFixSentence(e))}</p>`;
  }
  return [
    "<h3>The fix</h3>",
    // <wbr> after each comma lets the long --hide list wrap between ids; it adds no text.
    `<div class="fix-row"><pre class="box cmd" id="fix-command">${esc(f.command).replace(/,/g, ",<wbr>")}</pre><button type="button" id="copy-fix" title="copy the command to the clipboard">Copy</button></div>`,
    changes(f),
    f.warnings.length === 0 ? "" : `<h3>Before you run it</h3><ul class="compact">${f.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>`,
  ].join("\n");
}

function changes(f: RewriteFix): string {
  const rows = [
    ...f.hide.map((h) => ["hide", h.name, h.id, `value ${h.values.join(", ") || "(none)"}`, h.risk] as const),
    ...f.set.map((s) => ["set", s.name, s.id, `${s.from} → ${s.to}`, s.risk] as const),
    ...f.add.map((a) => ["add", a.name, a.id, `= ${a.value}`, a.risk] as const),
    ...f.drop_subsections.map((d) => ["drop", d.subsection, "", "subsection", d.risk] as const),
  ];
  const body = rows
    .map(([what, name, id, detail, risk]) =>
      `<tr data-risk="${risk}"><td>${what}</td><td>${esc(name)}</td><td class="mono">${esc(id)}</td><td class="mono">${esc(detail)}</td>` +
      `<td><span class="risk risk-${risk}" title="${esc(RISK_HELP[risk])}">${risk}</span></td></tr>`)
    .join("\n");
  const legend = Object.entries(RISK_HELP).map(([k, v]) => `<span class="risk risk-${k}">${k}</span> ${esc(v)}`).join(" &nbsp; ");
  return `<h3>Each change</h3><table id="fix-changes"><thead><tr><th>change</th><th>register or subsection</th><th>id</th><th>detail</th><th>risk</th></tr></thead><tbody>${body}</tbody></table><p class="muted">${legend}</p>`;
}

function composition(sections: readonly ReportSection[], total: number, registerCpus: ReadonlySet<number>): string {
  const segs = sections.map((s, i) => {
    const label = `${sectionLabel(s)} · ${sectionType(s)} · version ${s.version} · ${byteSize(s.size)} at ${hexOffset(s.offset)}`;
    const weight = Math.max(1, Math.log2(Math.max(2, s.size))).toFixed(2);
    return `<a href="#sec-${i}" style="flex-grow:${weight};background:${sectionColour(s)}" data-label="${esc(label)}" aria-label="${esc(label)}"></a>`;
  });
  const idle = `${grouped(sections.reduce((n, s) => n + s.parts, 0))} sections, ${byteSize(total)}; widths grow with the logarithm of the size. Hover a segment, click it for its fields.`;
  const rows = sections.map((s, i) => sectionDetails(s, i, registerCpus)).join("\n");
  return [
    '<section class="card" id="composition"><h2>The stream, section by section</h2>',
    `<div class="bar">${segs.join("")}</div><div class="bar-info" id="bar-info" data-idle="${esc(idle)}">${esc(idle)}</div>`,
    '<div class="sec-list"><div class="sec-cols"><span></span><span></span><span>offset</span><span>type</span><span>section</span><span>version</span><span>size</span></div>',
    rows,
    "</div>",
    "</section>",
  ].join("\n");
}

const sectionLabel = (s: ReportSection): string => `${s.name} (${s.instanceId})`;
const sectionType = (s: ReportSection): string => (s.parts === 1 ? s.type : `${s.type} ×${grouped(s.parts)}`);

function sectionColour(s: ReportSection): string {
  if (s.type !== "FULL") return RAM_SECTION_COLOUR;
  let h = 0;
  for (let i = 0; i < s.name.length; i++) h = (h * 31 + s.name.charCodeAt(i)) >>> 0;
  return SECTION_COLOURS[h % SECTION_COLOURS.length]!;
}

function sectionDetails(s: ReportSection, i: number, registerCpus: ReadonlySet<number>): string {
  const summary =
    `<summary><span class="swatch" style="background:${sectionColour(s)}"></span><span class="mono">${hexOffset(s.offset)}</span><span class="sec-type">${sectionType(s)}</span>` +
    `<span>${esc(sectionLabel(s))}</span><span>${s.version}</span><span>${esc(byteSize(s.size))}</span></summary>`;
  let body: string;
  if (s.fields !== undefined) body = fieldsTable(s.fields, registerCpus);
  else if (s.type === "FULL") body = '<p class="muted fields">Its fields could not be decoded.</p>';
  else body = `<p class="muted fields">RAM records (section ${s.sectionId}${s.parts === 1 ? "" : `, ${grouped(s.parts)} consecutive PART sections`}): see the page maps below.</p>`;
  return `<details class="sec" id="sec-${i}" data-name="${esc(s.name)}">${summary}${body}</details>`;
}

function fieldsTable(d: DumpSection, registerCpus: ReadonlySet<number>): string {
  if (d.opaque !== undefined) return `<p class="muted fields">${esc(d.opaque)}</p>`;
  const rows: string[] = [];
  // An Arm vCPU's register arrays are the register table's rows for that vCPU: named here, shown there once.
  const cpregs = d.name === ARM_CPU_IDSTR && registerCpus.has(d.instanceId) ? d.instanceId : undefined;
  vmsdRows({ fields: d.fields ?? [], ...(d.subsections ? { subsections: d.subsections } : {}) }, 0, rows, cpregs);
  const by = d.delimitedBy === "vmdesc" ? "" : ` (delimited by ${esc(d.delimitedBy)})`;
  return `<table class="fields"><caption class="muted" style="text-align:left">${esc(d.vmsdName ?? d.name)}${by}</caption>` +
    `<thead><tr><th>field</th><th>type</th><th>offset</th><th>value</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** `cpregCpu`: the vCPU whose top-level register arrays these fields hold, if the register table shows them. */
function vmsdRows(v: DumpVmsd, depth: number, rows: string[], cpregCpu?: number): void {
  for (const f of v.fields) fieldRows(f, depth, rows, cpregCpu);
  for (const s of v.subsections ?? []) {
    rows.push(`<tr class="sub"><td colspan="4" class="${indent(depth)}">subsection ${esc(s.name)} (version ${s.version}), ${s.size} bytes at ${hexOffset(s.offset)}</td></tr>`);
    vmsdRows(s, depth + 1, rows);
  }
}

const CPREG_ARRAYS: Readonly<Record<string, string>> = { [CPREG_FIELDS.INDEXES]: "register ids", [CPREG_FIELDS.VALUES]: "register values" };

/**
 * One row per field, values as `dump` prints them but for runs of equal ones (see
 * {@link runs}); nested structs and elements indented.
 */
function fieldRows(f: DumpField, depth: number, rows: string[], cpregCpu?: number): void {
  const name = f.index === undefined ? f.name : `${f.name}[${f.index}]`;
  const type = f.count === undefined ? f.type : `${f.type}[${f.count}]`;
  const values = f.values ?? [];
  const cell = (text: string) => `<tr><td class="${indent(depth)}">${esc(name)}</td><td>${esc(type)}</td><td class="mono">${hexOffset(f.offset)}</td><td class="mono val">${text}</td></tr>`;
  const array = CPREG_ARRAYS[f.name];
  if (cpregCpu !== undefined && array !== undefined) {
    rows.push(cell(`<a href="#cpregs" class="cpreg-ref" data-cpu="${cpregCpu}">${grouped(values.length)} ${array}: the register table, vCPU ${cpregCpu}</a>`));
    return;
  }
  rows.push(cell(f.struct || f.elements ? "" : esc(runs(values.map((v) => valueText(v, f.type, values.length === 1))))));
  if (f.struct) vmsdRows(f.struct, depth + 1, rows);
  if (f.elements) elementRows(f.elements, depth + 1, rows);
}

/**
 * A struct array's elements: one row each when all its fields are single values (`a=1 b=2`),
 * and a run of equal elements as one row: an interrupt controller's 1,020 mostly identical
 * IRQ states would otherwise be most of the page. A run of equal elements of any other shape
 * (SVE's 32 Z registers, all zero in an idle vCPU) is its first element's rows under one
 * heading; equal means the same values, the offsets being the only difference.
 */
function elementRows(elements: readonly DumpVmsd[], depth: number, rows: string[]): void {
  for (let i = 0; i < elements.length; ) {
    const text = flatText(elements[i]!);
    const key = text ?? valuesKey(elements[i]!);
    let j = i + 1;
    while (j < elements.length && (text === undefined ? valuesKey(elements[j]!) : flatText(elements[j]!)) === key) j++;
    const which = j - i === 1 ? `[${i}]` : `[${i}]–[${j - 1}]`;
    const alike = j - i > 1 ? ` <span class="muted">(${j - i} alike${text === undefined ? `, [${i}] shown` : ""})</span>` : "";
    if (text === undefined) {
      rows.push(`<tr><td colspan="4" class="${indent(depth)} muted">${which}${alike}</td></tr>`);
      vmsdRows(elements[i]!, depth + 1, rows);
    } else {
      rows.push(`<tr><td class="${indent(depth)}">${which}</td><td colspan="3" class="mono val">${esc(text)}${alike}</td></tr>`);
    }
    i = j;
  }
}

/**
 * An array's values with each run of four or more equal ones written once with its length
 * (`0x0000000000000000 ×14`): idle vCPUs' vector registers are long runs of zeros.
 */
function runs(texts: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < texts.length; ) {
    let j = i + 1;
    while (j < texts.length && texts[j] === texts[i]) j++;
    if (j - i >= 4) out.push(`${texts[i]} ×${j - i}`);
    else out.push(...texts.slice(i, j));
    i = j;
  }
  return out.join(" ");
}

/** An element's names, types and values without its offsets: equal for elements that differ only in where they lie. */
const valuesKey = (el: DumpVmsd): string => JSON.stringify(el, (k, v: unknown) => (k === "offset" ? undefined : v));

/** `a=1 b=2` for an element of single values only; undefined for any other. */
function flatText(el: DumpVmsd): string | undefined {
  if (el.subsections?.length || !el.fields.every((f) => f.values?.length === 1)) return undefined;
  return el.fields.map((f) => `${f.name}=${valueText(f.values![0]!, f.type, false)}`).join(" ");
}

/** The indentation class of a nesting depth (styles.ts has d0 to d7). */
const indent = (depth: number): string => `d${Math.min(depth, 7)}`;

const KIND_LABEL = { zero: "zero", normal: "normal", compressed: "compressed", xbzrle: "XBZRLE", absent: "absent" } as const;

function ram(blocks: readonly ReportRamBlock[], pageSize: number | null): string {
  if (blocks.length === 0) return '<section class="card" id="ram"><h2>RAM</h2><p>The stream announces no RAM blocks.</p></section>';
  let mapIndex = 0;
  const parts = blocks.map((b, i) => {
    const counts = { ...b.pages, absent: b.map?.counts.absent ?? 0 };
    const n = pageSize === null ? 0 : Math.ceil(b.size / pageSize);
    const pages = pageSize === null ? "" : ` · ${grouped(n)} page${n === 1 ? "" : "s"}`;
    const kinds = PAGE_KINDS.map(
      (k) => `<span class="kind" data-kind="${k}"><span class="swatch" style="background:${KIND_COLOURS[k]}"></span>${KIND_LABEL[k]} <b class="count">${grouped(counts[k])}</b></span>`,
    ).join("");
    const map = b.map === undefined ? "" : `<canvas class="pagemap" data-map="${mapIndex++}" role="img" aria-label="page map of ${esc(b.name)}"></canvas><div class="map-info"></div>`;
    const scale = b.map === undefined ? "" : ` · <span class="map-scale">map: ${grouped(b.map.buckets.zero.length)} cells of ${esc(byteSize(b.map.bucketBytes))}</span>`;
    return `<div class="ram-block" data-block="${esc(b.name)}" id="ram-${i}"><h3>${esc(b.name)}<small>${esc(byteSize(b.size))}${pages}${scale}</small></h3><div class="kinds">${kinds}</div>${map}</div>`;
  });
  return [
    '<section class="card" id="ram"><h2>RAM, block by block</h2>',
    '<p class="muted">Counts are records, as <code>summary</code> counts them (a page sent twice counts twice); absent pages are pages no record sent. Each cell of a map is a stretch of the block, its colours in proportion to how its pages travelled; hover for the addresses. Every block\'s map is drawn to the block\'s own size, so cells of different blocks stand for different amounts of memory (each block names its cell size): a full map of a 64 MiB flash is not as much memory as a full map of 16 GiB of RAM.</p>',
    ...parts,
    "</section>",
  ].join("\n");
}

const STATUS_LABEL: Readonly<Record<RegisterStatus, string>> = {
  differs: "differing", "only-source": "only in the source", "only-dest": "only in the destination", same: "same on both", source: "registers",
};

function registers(m: ReportModel): string {
  if (m.registers.length === 0) return '<section class="card" id="cpregs"><h2>Arm registers</h2><p>The stream has no Arm cpu register list.</p></section>';
  const rows = m.registers.flatMap((c) => c.rows);
  const statuses = (m.registersCompared ? (["differs", "only-source", "only-dest", "same"] as const) : (["source"] as const)).filter((s) => rows.some((r) => r.status === s));
  // The counts as the page opens (every vCPU, no search); the script keeps them to the vCPU and words chosen.
  const filters = m.registersCompared
    ? statuses.map((s) => `<label><input type="checkbox" data-filter="${s}" checked> <span class="status st-${s}">${STATUS_LABEL[s]}</span> <span class="filter-count" data-count="${s}">${grouped(rows.filter((r) => r.status === s).length)}</span></label>`).join("")
    : "";
  const cpus = m.registers.length > 1
    ? `<label>vCPU <select id="reg-cpu"><option value="">all</option>${m.registers.map((c) => `<option value="${c.instanceId}">${c.instanceId}</option>`).join("")}</select></label>`
    : "";
  const destHead = m.registersCompared ? "<th>destination value</th><th>standing</th>" : "";
  const data = { ...compactRegisters(m.registers), compared: m.registersCompared, labels: STATUS_LABEL, letters: STATUS_LETTER };
  return [
    `<section class="card" id="cpregs"><h2>Arm registers${m.registersCompared ? ", beside the destination's" : ""}</h2>`,
    `<div class="filters">${filters}${cpus}<input type="search" id="reg-search" placeholder="search name, id or value" aria-label="search registers"><span id="reg-count" class="muted"></span><button type="button" id="reg-more" hidden>show all</button></div>`,
    `<noscript><p>${grouped(rows.length)} rows: the table is drawn by the page's script, which this browser does not run; <code>vmstate-inspect cpregs</code> prints them.</p></noscript>`,
    `<div class="table-scroll"><table id="registers"><thead><tr><th>vCPU</th><th>id</th><th>name</th><th>value</th>${destHead}</tr></thead><tbody></tbody></table></div>`,
    `<script type="application/json" id="register-data">${scriptJson(data)}</script>`,
    "</section>",
  ].join("\n");
}

function libvirt(m: ReportModel): string {
  const lv = m.libvirt!;
  return [
    '<section class="card" id="libvirt"><h2>The libvirt save image</h2><dl class="kv">',
    `<dt>domain</dt><dd>${esc(lv.domain ?? "(unnamed)")}</dd>`,
    `<dt>state</dt><dd>${lv.wasRunning ? "was running" : "was paused"}${lv.complete ? "" : "; libvirt never finished writing it (LibvirtQemudPart)"}</dd>`,
    `<dt>image format</dt><dd>${esc(lv.format)}</dd>`,
    `<dt>byte order</dt><dd>${lv.endianness}-endian host</dd>`,
    `<dt>QEMU stream</dt><dd>from offset ${hexOffset(lv.streamOffset)}</dd>`,
    "</dl>",
    `<details open><summary>domain XML</summary><pre class="box" id="domain-xml">${esc(lv.domainXml)}</pre></details>`,
    lv.cookieXml === null ? "" : `<details><summary>cookie XML</summary><pre class="box">${esc(lv.cookieXml)}</pre></details>`,
    "</section>",
  ].join("\n");
}
