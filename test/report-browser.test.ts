/// <reference lib="dom" />
/**
 * `vmstate-inspect report` as a person sees it: each page is made by the real command from
 * real samples, opened from its file in headless Chromium (Debian's package, via
 * tools/browser/chromium.ts), and what shows is checked against the JSON commands that own
 * the facts: the verdict, QEMU's predicted lines and the fix against `explain --json`, the
 * register rows against `cpregs --json`, the page counts against `summary --json` (a
 * mapped-ram file's absent pages too). Filters, search, the vCPU choice (which the filters'
 * counts follow), the section bar and the copy button (also where the clipboard API refuses
 * or is missing) are used as a person would.
 * Every page must open without a console error and without a single request beyond its own
 * file: everything it needs is inside it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { EXIT, inspectMain } from "@vmstate/cli";
import { launchChromium, type Browser } from "../tools/browser/chromium.js";
import { runMain } from "./support/cli.js";
import { libvirtImage } from "./support/libvirt.js";
import { expandedSample } from "./support/packed-samples.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const sample = (f: string) => join(SAMPLES_DIR, f);
const dir = mkdtempSync(join(tmpdir(), "vmstate-report-"));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `vmstate-inspect report ARGS -o FILE`; returns the file and the exit code. */
async function report(name: string, args: string[], expected: number): Promise<string> {
  const out = join(dir, `${name}.html`);
  const r = await runMain(inspectMain, ["report", ...args, "-o", out]);
  expect(r.code, r.stderr).toBe(expected);
  return out;
}

async function json<T>(args: string[]): Promise<T> {
  const r = await runMain(inspectMain, [...args, "--json"]);
  return JSON.parse(r.printed) as T;
}

interface Opened {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every URL the page asked for besides its own file. */
  requests: string[];
}

/** Opens a report from its file; any request for anything else is recorded and refused. */
async function open(file: string): Promise<Opened> {
  const url = pathToFileURL(file).href;
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  page.on("pageerror", (e) => void errors.push(e.message));
  page.on("request", (r) => void (r.url() !== url && requests.push(r.url())));
  await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
  await page.goto(url);
  return { page, errors, requests };
}

/** The page opened cleanly: nothing went wrong and nothing was fetched. */
async function closeClean(o: Opened): Promise<void> {
  await o.page.close();
  expect(o.errors).toEqual([]);
  expect(o.requests).toEqual([]);
}

const shownRows = (page: Page) => page.locator("#registers tbody tr:visible").count();
const shownCount = async (page: Page) => Number(await page.getAttribute("#reg-count", "data-shown"));

interface ExplainJson {
  verdict: string;
  predicted_error: string | null;
  fix: {
    command: string;
    hide: { id: string; risk: string }[];
    set: { id: string; risk: string }[];
    add: { id: string; risk: string }[];
    drop_subsections: { subsection: string; risk: string }[];
  } | null;
}
interface CpregsJson {
  cpus: { instance_id: number; registers: { id: string; name: string; value: string }[] }[];
}
interface SummaryJson {
  pageSize: number;
  ram: { name: string; size: number; pages: Record<string, number> }[];
  sections: { type: string; offset: number; size: number }[];
}

/** Every register row of the table, shown or not: the "show all" button first, when there is one. */
async function allRows(page: Page): Promise<{ status: string | null; cpu: string | null; cells: (string | null)[] }[]> {
  if (await page.isVisible("#reg-more")) await page.click("#reg-more");
  expect(await page.isVisible("#reg-more")).toBe(false);
  return page.locator("#registers tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({ status: tr.getAttribute("data-status"), cpu: tr.getAttribute("data-cpu"), cells: Array.from(tr.querySelectorAll("td")).map((td) => td.textContent) })));
}

/**
 * The table's rows against `cpregs --json` of both sides: each source vCPU's rows are its
 * registers as cpregs lists them, each with its standing against the destination vCPU of
 * the same instance id (or the destination's first, as QEMU's lists are per CPU model), and
 * after them that destination vCPU's registers the source lacks, ids ascending.
 */
function checkRows(rows: Awaited<ReturnType<typeof allRows>>, src: CpregsJson, dest: CpregsJson): void {
  expect(new Set(rows.map((r) => r.cpu))).toEqual(new Set(src.cpus.map((c) => String(c.instance_id))));
  for (const cpu of src.cpus) {
    const mine = rows.filter((r) => r.cpu === String(cpu.instance_id));
    const theirs = new Map((dest.cpus.find((d) => d.instance_id === cpu.instance_id) ?? dest.cpus[0]!).registers.map((r) => [r.id, r.value]));
    const source = mine.filter((r) => r.status !== "only-dest");
    expect(source.map((r) => r.cells.slice(0, 4))).toEqual(cpu.registers.map((r) => [String(cpu.instance_id), r.id, r.name, r.value]));
    for (const r of source) {
      const [, id, , value, destValue] = r.cells as string[];
      expect(r.status, id).toBe(!theirs.has(id!) ? "only-source" : theirs.get(id!) === value ? "same" : "differs");
      expect(destValue).toBe(theirs.get(id!) ?? "");
    }
    const ids = new Set(cpu.registers.map((r) => r.id));
    const onlyDest = mine.filter((r) => r.status === "only-dest");
    expect(onlyDest.map((r) => r.cells[1])).toEqual([...theirs.keys()].filter((id) => !ids.has(id)).sort());
    for (const r of onlyDest) expect([r.cells[3], r.cells[4]]).toEqual(["", theirs.get(r.cells[1]!)]);
  }
}

/** The count each status checkbox shows. */
async function filterCounts(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const el of await page.locator(".filter-count").all()) out[(await el.getAttribute("data-count"))!] = Number((await el.textContent())!.replace(/,/g, ""));
  return out;
}

function statusCounts(rows: { status: string | null }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status!] = (out[r.status!] ?? 0) + 1;
  return out;
}

describe.each([
  ["QEMU 11.1's stream into QEMU 7.2", "v11-aarch64-virt-7.2-a57.mig"],
  ["QEMU 10.0's stream into QEMU 7.2", "newer-aarch64-virt-7.2-a57.mig"],
])("report of a refusal (%s)", (_, srcName) => {
  const SRC = sample(srcName);
  const DEST = sample("aarch64-virt-7.2-a57.mig");
  let file: string;
  let explain: ExplainJson;
  beforeAll(async () => {
    file = await report(`refusal-${srcName}`, [SRC, "--dest", DEST, "--dest-qemu", "7.2"], EXIT.WOULD_REFUSE);
    explain = await json<ExplainJson>(["explain", SRC, "--dest", DEST, "--dest-qemu", "7.2"]);
  });

  it("shows explain's verdict, QEMU's predicted lines and the fix with each change's risk", async () => {
    const o = await open(file);
    const { page } = o;
    expect(explain.verdict).toBe("refuses");
    expect(await page.getAttribute("#verdict-text", "data-verdict")).toBe(explain.verdict);
    expect(await page.textContent("#verdict-text")).toContain("REFUSE");
    expect(await page.textContent("#predicted-error")).toBe(explain.predicted_error);
    const fix = explain.fix!;
    expect(await page.textContent("#fix-command")).toBe(fix.command);
    const risks = [...fix.hide, ...fix.set, ...fix.add, ...fix.drop_subsections].map((c) => c.risk);
    expect(risks.length).toBeGreaterThan(0);
    expect(await page.locator("#fix-changes tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-risk")))).toEqual(risks);
    expect(await page.locator("#fix-changes .risk").allTextContents()).toEqual(risks);
    await closeClean(o);
  });

  it("copies the fix command with the copy button", async () => {
    const o = await open(file);
    await o.page.evaluate(() => navigator.clipboard.writeText("nothing yet"));
    await o.page.click("#copy-fix");
    await expect.poll(() => o.page.textContent("#copy-fix")).toBe("Copied");
    expect(await o.page.evaluate(() => navigator.clipboard.readText())).toBe(explain.fix!.command);
    await closeClean(o);
  });

  it("lists the source's registers as cpregs does, the destination's beside them, and filters them", async () => {
    const cpregs = await json<CpregsJson>(["cpregs", SRC]);
    const dest = await json<CpregsJson>(["cpregs", DEST]);
    const o = await open(file);
    const { page } = o;
    const rows = await allRows(page);
    checkRows(rows, cpregs, dest);
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    expect(count("only-source")).toBeGreaterThan(0);
    expect(count("differs")).toBeGreaterThan(0);
    expect(count("only-dest")).toBeGreaterThan(0);
    expect(await filterCounts(page)).toEqual(statusCounts(rows));

    expect(await shownRows(page)).toBe(rows.length);
    await page.uncheck('input[data-filter="same"]');
    expect(await shownRows(page)).toBe(rows.length - count("same"));
    expect(await shownCount(page)).toBe(rows.length - count("same"));
    await page.uncheck('input[data-filter="only-source"]');
    await page.uncheck('input[data-filter="only-dest"]');
    expect(await shownRows(page)).toBe(count("differs"));
    expect(await page.locator("#registers tbody tr:visible").evaluateAll((trs) => trs.every((tr) => tr.getAttribute("data-status") === "differs"))).toBe(true);
    await page.check('input[data-filter="same"]');
    await page.check('input[data-filter="only-source"]');
    await page.check('input[data-filter="only-dest"]');
    await page.fill("#reg-search", "id_aa64");
    const named = rows.filter((r) => r.cells.join(" ").toLowerCase().includes("id_aa64"));
    expect(named.length).toBeGreaterThan(3);
    expect(await shownRows(page)).toBe(named.length);
    expect(await page.textContent("#reg-count")).toBe(`${named.length} of ${rows.length} rows shown`);
    // The checkboxes' counts are of the rows the search leaves.
    expect(await filterCounts(page)).toEqual({ ...Object.fromEntries(Object.keys(statusCounts(rows)).map((k) => [k, 0])), ...statusCounts(named) });
    await page.fill("#reg-search", "no such register");
    expect(await shownRows(page)).toBe(0);
    await closeClean(o);
  });
});

/**
 * How a page can be kept from the clipboard API. Chromium lets a focused page's writeText
 * through whatever its permissions say, so the refusal other browsers give a file:// page
 * (NotAllowedError), or an API that is not there at all, is put in place in the page. The
 * real API is kept aside to read what the fallback copied.
 */
describe.each(["refuses writeText", "has no clipboard API"])("the copy button where the browser %s", (how) => {
  it("copies the fix command through a selected text area", async () => {
    const SRC = sample("newer-aarch64-virt-7.2-a57.mig");
    const args = [SRC, "--dest", sample("aarch64-virt-7.2-a57.mig"), "--dest-qemu", "7.2"];
    const file = await report(`copy-${how.replace(/ /g, "-")}`, args, EXIT.WOULD_REFUSE);
    const explain = await json<ExplainJson>(["explain", ...args]);
    const o = await open(file);
    const { page } = o;
    await page.evaluate((refuses) => {
      const w = window as unknown as { realClipboard: Clipboard; copied: string[] };
      w.realClipboard = navigator.clipboard;
      const fake = refuses ? { writeText: () => Promise.reject(new DOMException("Write permission denied.", "NotAllowedError")) } : undefined;
      Object.defineProperty(navigator, "clipboard", { value: fake, configurable: true });
      // Each execCommand call, with the text selected when it was made.
      w.copied = [];
      const exec = document.execCommand.bind(document);
      document.execCommand = (command: string) => {
        const el = document.activeElement as HTMLTextAreaElement;
        w.copied.push(`${command}:${el.value.slice(el.selectionStart, el.selectionEnd)}`);
        return exec(command);
      };
    }, how === "refuses writeText");
    await page.evaluate(() => (window as unknown as { realClipboard: Clipboard }).realClipboard.writeText("nothing yet"));
    await page.click("#copy-fix");
    await expect.poll(() => page.textContent("#copy-fix")).toBe("Copied");
    expect(await page.evaluate(() => (window as unknown as { copied: string[] }).copied)).toEqual([`copy:${explain.fix!.command}`]);
    // The text area is gone again, and the command is on the clipboard.
    expect(await page.locator("textarea").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { realClipboard: Clipboard }).realClipboard.readText())).toBe(explain.fix!.command);
    await closeClean(o);
  });
});

describe("report of the QEMU 7.2 cortex-a57 guest that booted UEFI", () => {
  const SRC_UEFI = sample("aarch64-virt-uefi.mig");

  it("shows each RAM block's page counts as summary counts them, with a page map drawn", async () => {
    const file = await report("uefi", [SRC_UEFI], EXIT.OK);
    const summary = await json<SummaryJson>(["summary", SRC_UEFI]);
    const o = await open(file);
    const { page } = o;
    expect(await page.locator("#verdict").count()).toBe(0);
    for (const [i, b] of summary.ram.entries()) {
      const block = page.locator(`#ram-${i}`);
      expect(await block.getAttribute("data-block")).toBe(b.name);
      for (const kind of ["zero", "normal", "compressed", "xbzrle"]) {
        expect(Number((await block.locator(`[data-kind="${kind}"] .count`).textContent())!.replace(/,/g, "")), `${b.name} ${kind}`).toBe(b.pages[kind]);
      }
      expect(await block.locator('[data-kind="absent"] .count').textContent()).toBe("0");
    }
    // Each map is drawn to its block's own size, and says so: as many cells, each a block's share.
    expect(await page.textContent("#ram > p")).toContain("Every block's map is drawn to the block's own size");
    const maps = JSON.parse((await page.textContent("#page-maps"))!) as { length: number; bucketBytes: number; buckets: { zero: number[] } }[];
    const scales = await page.locator(".map-scale").allTextContents();
    expect(scales).toEqual(maps.map((m) => expect.stringMatching(new RegExp(`^map: ${m.buckets.zero.length.toLocaleString("en")} cells of [\\d.]+ (bytes|KiB|MiB)$`))));
    expect(maps.every((m) => m.buckets.zero.length * m.bucketBytes >= m.length)).toBe(true);
    expect(new Set(scales.map((t) => t.replace(/^map: [\d,]+ cells/, ""))).size).toBeGreaterThan(1);
    // The main RAM block's map: data pages drawn in the PAGE colour somewhere, zero pages elsewhere.
    const colours = await page.locator('#ram-0 canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return [...seen];
    });
    expect(colours).toContain("59,111,196"); // normal
    expect(colours).toContain("223,227,232"); // zero
    // Hovering the map names a bucket's range and counts.
    await page.locator("#ram-0 canvas").hover({ position: { x: 2, y: 2 } });
    expect(await page.textContent("#ram-0 .map-info")).toMatch(/^0x00000000–0x[0-9a-f]{8}: (zero|normal)/);
    await closeClean(o);
  });

  it("names a section on hovering the bar and opens its fields on a click", async () => {
    const o = await open(join(dir, "uefi.html"));
    const { page } = o;
    const cpu = await page.locator('details.sec[data-name="cpu"]').getAttribute("id");
    const seg = page.locator(`.bar a[href="#${cpu}"]`);
    await seg.hover();
    expect(await page.textContent("#bar-info")).toMatch(/^cpu \(0\) · FULL · version 22 · /);
    expect(await page.locator(`#${cpu}`).evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    await seg.click();
    expect(await page.locator(`#${cpu}`).evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    await expect.poll(() => page.locator(`#${cpu} td`, { hasText: "cpreg_vmstate_array_len" }).isVisible()).toBe(true);
    await closeClean(o);
  });
});

describe.each([
  ["aarch64-virt-xbzrle.mig", "xbzrle"],
  ["aarch64-virt-compress.mig", "compressed"],
])("report of %s", (name, kind) => {
  it(`counts its ${kind} pages as summary does`, async () => {
    const file = await report(name, [sample(name)], EXIT.OK);
    const summary = await json<SummaryJson>(["summary", sample(name)]);
    const o = await open(file);
    const counts = await o.page.locator(`.ram-block [data-kind="${kind}"] .count`).allTextContents();
    expect(counts.map((c) => Number(c.replace(/,/g, "")))).toEqual(summary.ram.map((b) => b.pages[kind]));
    expect(summary.ram.some((b) => b.pages[kind]! > 0)).toBe(true);
    // Its consecutive RAM PART sections are one row and one bar segment, which still counts them.
    const parts = summary.sections.filter((s) => s.type === "PART");
    expect(parts.length).toBeGreaterThan(1);
    const partRow = o.page.locator("details.sec", { hasText: "PART ×" });
    expect(await partRow.count()).toBe(1);
    expect(await partRow.locator("summary").textContent()).toContain(`PART ×${parts.length}`);
    expect(await o.page.locator(".bar a").count()).toBe(summary.sections.length - parts.length + 1);
    expect(await o.page.getAttribute("#bar-info", "data-idle")).toMatch(new RegExp(`^${summary.sections.length} sections`));
    // The type column holds a run of up to six digits on one line, as high as a FULL row's type.
    const type = partRow.locator(".sec-type");
    await type.evaluate((el) => void (el.textContent = "PART ×123,456"));
    const oneLine = await o.page.locator("details.sec .sec-type", { hasText: "FULL" }).first().evaluate((el) => el.getBoundingClientRect().height);
    expect(await type.evaluate((el) => [el.getBoundingClientRect().height, el.scrollWidth <= el.clientWidth])).toEqual([oneLine, true]);
    await closeClean(o);
  });
});

describe("report of a four-vCPU guest", () => {
  const SRC4 = sample("aarch64-virt-max-4cpu.mig");

  it("shows every vCPU's registers and narrows them to one", async () => {
    const file = await report("4cpu", [SRC4], EXIT.OK);
    const cpregs = await json<CpregsJson>(["cpregs", SRC4]);
    const o = await open(file);
    const total = cpregs.cpus.reduce((n, c) => n + c.registers.length, 0);
    // More rows than are laid out at once: the first 500, then all on request.
    expect(total).toBeGreaterThan(500);
    expect(await shownRows(o.page)).toBe(500);
    expect(await o.page.textContent("#reg-count")).toBe(`the first 500 of ${total.toLocaleString("en")} matching rows shown (${total.toLocaleString("en")} in all)`);
    const rows = await allRows(o.page);
    expect(rows.filter((r) => r.status === "source").map((r) => r.cells.slice(0, 4))).toEqual(
      cpregs.cpus.flatMap((c) => c.registers.map((r) => [String(c.instance_id), r.id, r.name, r.value])),
    );
    expect(rows.length).toBe(total);
    expect(await shownRows(o.page)).toBe(total);
    await o.page.selectOption("#reg-cpu", "2");
    expect(await shownRows(o.page)).toBe(cpregs.cpus.find((c) => c.instance_id === 2)!.registers.length);
    await closeClean(o);
  });

  it("beside a destination: every vCPU's rows and standings, counts that follow the vCPU chosen, and a cpu section's register arrays leading to its vCPU", async () => {
    const DEST = sample("newer-aarch64-virt-max.mig");
    const file = await report("4cpu-dest", [SRC4, "--dest", DEST], EXIT.WOULD_REFUSE);
    const src = await json<CpregsJson>(["cpregs", SRC4]);
    const dest = await json<CpregsJson>(["cpregs", DEST]);
    expect(src.cpus.length).toBe(4);
    const o = await open(file);
    const { page } = o;
    const rows = await allRows(page);
    checkRows(rows, src, dest);
    expect(await filterCounts(page)).toEqual(statusCounts(rows));
    for (const cpu of ["2", "0"]) {
      await page.selectOption("#reg-cpu", cpu);
      const mine = rows.filter((r) => r.cpu === cpu);
      expect(await filterCounts(page), `vCPU ${cpu}`).toEqual(statusCounts(mine));
      expect(statusCounts(mine)["only-dest"]).toBeGreaterThan(0);
      expect(await shownRows(page)).toBe(mine.length);
    }
    await page.selectOption("#reg-cpu", "");
    expect(await filterCounts(page)).toEqual(statusCounts(rows));

    // vCPU 3's cpu section names its arrays and leads to that vCPU's rows.
    const section = page.locator('details.sec[data-name="cpu"]').nth(3);
    expect(await section.locator("summary").textContent()).toContain("cpu (3)");
    await section.locator("summary").click();
    const refs = section.locator("a.cpreg-ref");
    expect(await refs.allTextContents()).toEqual([`${src.cpus[3]!.registers.length} register ids: the register table, vCPU 3`, `${src.cpus[3]!.registers.length} register values: the register table, vCPU 3`]);
    await refs.first().click();
    expect(await page.inputValue("#reg-cpu")).toBe("3");
    expect(await shownRows(page)).toBe(rows.filter((r) => r.cpu === "3").length);
    await closeClean(o);
  });
});

describe("report of a mapped-ram file", () => {
  it("counts each block's pages as summary does, and the pages its bitmap leaves out as absent", async () => {
    const src = expandedSample("newer-aarch64-virt-mapped-ram.mig");
    const file = await report("mapped-ram", [src], EXIT.OK);
    const summary = await json<SummaryJson>(["summary", src]);
    const o = await open(file);
    const { page } = o;
    let absentPages = 0;
    for (const [i, b] of summary.ram.entries()) {
      const block = page.locator(`#ram-${i}`);
      expect(await block.getAttribute("data-block")).toBe(b.name);
      const shown: Record<string, number> = {};
      for (const kind of ["zero", "normal", "compressed", "xbzrle", "absent"]) {
        shown[kind] = Number((await block.locator(`[data-kind="${kind}"] .count`).textContent())!.replace(/,/g, ""));
      }
      const pages = b.size / summary.pageSize;
      const sent = b.pages.zero! + b.pages.normal! + b.pages.compressed! + b.pages.xbzrle!;
      expect(shown, b.name).toEqual({ ...b.pages, absent: pages - sent });
      expect(await block.locator("h3 small").textContent()).toContain(`${pages.toLocaleString("en")} page`);
      absentPages += pages - sent;
    }
    expect(summary.ram[0]!.pages.normal).toBeGreaterThan(0);
    expect(absentPages).toBeGreaterThan(0);
    await closeClean(o);
  });
});

describe("report of a compressed libvirt image", () => {
  it("says which size is the decompressed stream's and which the file's", async () => {
    const src = sample("libvirt/zstd.sav");
    const file = await report("zstd", [src], EXIT.OK);
    const summary = await json<{ bytes: number }>(["summary", src]);
    const o = await open(file);
    const fileBytes = statSync(src).size;
    expect(summary.bytes).toBeGreaterThan(fileBytes);
    expect(await o.page.textContent("header .meta")).toContain(
      `${summary.bytes.toLocaleString("en")} bytes decompressed (offsets count these) · zstd file ${fileBytes.toLocaleString("en")} bytes`,
    );
    await closeClean(o);
  });
});

describe("report of untrusted input", () => {
  it("shows a libvirt image's domain XML as text, whatever it holds", async () => {
    const xml = `<domain type='kvm'><name>evil</name><description></pre></script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"></description></domain>`;
    const image = join(dir, "evil.img");
    writeFileSync(image, libvirtImage(readSample("aarch64-virt-7.2-a57.mig"), { xml }));
    const file = await report("evil", [image], EXIT.OK);
    const o = await open(file);
    expect(await o.page.textContent("#domain-xml")).toBe(xml);
    expect(await o.page.textContent("#libvirt dd")).toBe("evil");
    expect(await o.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await closeClean(o);
  });

  it("renders what decoded of a damaged stream, marks it, and exits 1", async () => {
    const whole = readSample("aarch64-virt-7.2-a57.mig");
    const cut = join(dir, "cut.mig");
    writeFileSync(cut, whole.subarray(0, whole.length - 3000));
    const file = await report("cut", [cut], EXIT.BAD_STREAM);
    expect(readFileSync(file, "utf8")).toContain("</html>");
    const o = await open(file);
    expect(await o.page.textContent(".damage")).toMatch(/damaged or truncated after offset 0x[0-9a-f]+/);
    expect(await o.page.locator("details.sec").count()).toBeGreaterThan(3);
    await closeClean(o);
  });
});
