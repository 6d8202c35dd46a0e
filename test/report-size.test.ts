/**
 * The size of `vmstate-inspect report`'s page as a guest grows by vCPUs: each vCPU adds a
 * `cpu` section and a register list, and a page that repeated them (the register table as
 * markup, each cpu section's cpreg arrays in full) grew by ~125 KB a vCPU, 2.2 MB for a
 * 16-vCPU `-cpu max` guest. Deterministic (sizes, not times): the bundled one- and four-vCPU
 * captures of the same `-cpu max` guest, beside the same destination. The page's size and
 * open time for a 16 GiB, 16-vCPU guest are measured by `npm run bench` (bench/report.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT, inspectMain } from "@vmstate/cli";
import { runMain } from "./support/cli.js";
import { SAMPLES_DIR } from "./support/samples.js";

const dir = mkdtempSync(join(tmpdir(), "vmstate-report-size-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What one vCPU may add to the page, in bytes. */
const PER_VCPU_BUDGET = 20_000;
const DEST = join(SAMPLES_DIR, "newer-aarch64-virt-max.mig");

async function page(sample: string): Promise<string> {
  const out = join(dir, `${sample}.html`);
  const r = await runMain(inspectMain, ["report", join(SAMPLES_DIR, sample), "--dest", DEST, "-o", out]);
  expect(r.code, r.stderr).toBe(EXIT.WOULD_REFUSE);
  return readFileSync(out, "utf8");
}

describe("report size per vCPU", () => {
  it(`grows by less than ${PER_VCPU_BUDGET} bytes a vCPU, and names each register id once`, async () => {
    const one = await page("aarch64-virt-max-1cpu.mig");
    const four = await page("aarch64-virt-max-4cpu.mig");
    const perVcpu = (Buffer.byteLength(four) - Buffer.byteLength(one)) / 3;
    expect(perVcpu).toBeGreaterThan(0);
    expect(perVcpu).toBeLessThan(PER_VCPU_BUDGET);
    // Every register id of the four vCPUs (and of the destination) stands in the page once:
    // in the register table's shared id list, not per vCPU, nor again in the cpu sections' fields.
    const cpregs = await runMain(inspectMain, ["cpregs", "--json", join(SAMPLES_DIR, "aarch64-virt-max-4cpu.mig")]);
    const ids = new Set((JSON.parse(cpregs.printed) as { cpus: { registers: { id: string }[] }[] }).cpus.flatMap((c) => c.registers.map((r) => r.id)));
    expect(ids.size).toBeGreaterThan(200);
    for (const id of ids) expect(four.split(id).length - 1, id).toBe(1);
  });
});
