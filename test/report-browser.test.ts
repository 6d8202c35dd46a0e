/// <reference lib="dom" />
/**
 * `vmstate-inspect report` as a person sees it: each page is made by the real command from
 * real samples, opened from its file in headless Chromium (Debian's package, via
 * tools/browser/chromium.ts), and what shows is checked against the JSON commands that own
 * the facts: the verdict, QEMU's predicted lines and the fix against `explain --json`, the
 * register rows against `cpregs --json`, the page counts against `summary --json`. Filters,
 * search, the vCPU choice, the section bar and the copy button are used as a person would.
 * Every page must open without a console error and without a single request beyond its own
 * file: everything it needs is inside it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { EXIT, inspectMain } from "@vmstate/cli";
import { launchChromium, type Browser } from "../tools/browser/chromium.js";
import { runMain } from "./support/cli.js";
import { libvirtImage } from "./support/libvirt.js";
import { readSample, SAMPLES_DIR } from "./support/samples.js";

const sample = (f: string) => join(SAMPLES_DIR, f);
const SRC = sample("v11-aarch64-virt-7.2-a57.mig");
const DEST = sample("aarch64-virt-7.2-a57.mig");
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
  ram: { name: string; pages: Record<string, number> }[];
  sections: { type: string; offset: number; size: number }[];
}

describe("report of a refusal (QEMU 11.1's stream into QEMU 7.2)", () => {
  let file: string;
  let explain: ExplainJson;
  beforeAll(async () => {
    file = await report("refusal", [SRC, "--dest", DEST, "--dest-qemu", "7.2"], EXIT.WOULD_REFUSE);
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
    const rows = await page.locator("#registers tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({ status: tr.getAttribute("data-status"), cells: Array.from(tr.querySelectorAll("td")).map((td) => td.textContent) })));
    const source = rows.filter((r) => r.status !== "only-dest");
    const truth = cpregs.cpus.flatMap((c) => c.registers.map((r) => [String(c.instance_id), r.id, r.name, r.value]));
    expect(source.map((r) => r.cells.slice(0, 4))).toEqual(truth);
    // Standing against the destination's own list, register by register.
    const theirs = new Map(dest.cpus[0]!.registers.map((r) => [r.id, r.value]));
    for (const r of rows) {
      const [, id, , value, destValue] = r.cells as string[];
      const expected = !theirs.has(id!) ? "only-source" : r.status === "only-dest" ? "only-dest" : theirs.get(id!) === value ? "same" : "differs";
      expect(r.status, id).toBe(expected);
      if (r.status !== "only-source") expect(destValue).toBe(theirs.get(id!));
    }
    const mine = new Set(truth.map((t) => t[1]));
    expect(rows.filter((r) => r.status === "only-dest").map((r) => r.cells[1])).toEqual([...theirs.keys()].filter((id) => !mine.has(id)).sort());
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    expect(count("only-source")).toBeGreaterThan(0);
    expect(count("differs")).toBeGreaterThan(0);
    expect(count("only-dest")).toBeGreaterThan(0);

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
    const named = rows.filter((r) => r.cells.join(" ").toLowerCase().includes("id_aa64")).length;
    expect(named).toBeGreaterThan(3);
    expect(await shownRows(page)).toBe(named);
    expect(await page.textContent("#reg-count")).toBe(`${named} of ${rows.length} rows shown`);
    await page.fill("#reg-search", "no such register");
    expect(await shownRows(page)).toBe(0);
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
    await closeClean(o);
  });
});

describe("report of a four-vCPU guest", () => {
  it("shows every vCPU's registers and narrows them to one", async () => {
    const src = sample("aarch64-virt-max-4cpu.mig");
    const file = await report("4cpu", [src], EXIT.OK);
    const cpregs = await json<CpregsJson>(["cpregs", src]);
    const o = await open(file);
    const total = cpregs.cpus.reduce((n, c) => n + c.registers.length, 0);
    expect(await shownRows(o.page)).toBe(total);
    await o.page.selectOption("#reg-cpu", "2");
    expect(await shownRows(o.page)).toBe(cpregs.cpus.find((c) => c.instance_id === 2)!.registers.length);
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
