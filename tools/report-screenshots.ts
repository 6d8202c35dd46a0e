/**
 * The README's screenshots of `vmstate-inspect report`, made from the bundled samples with
 * the same Chromium the browser tests use (tools/browser/chromium.ts):
 *
 *   npm run build && npx tsx tools/report-screenshots.ts    # writes docs/report-*.png
 *
 * Two real cases: QEMU 7.2 refusing a stream QEMU 10.0 saved of the same `virt-7.2`
 * cortex-a57 guest (samples/newer-aarch64-virt-7.2-a57.mig into the 7.2 capture
 * aarch64-virt-7.2-a57.mig: the verdict, QEMU's lines and the fix), and the QEMU 7.2
 * cortex-a57 guest that booted UEFI firmware (its sections and the page maps of its RAM,
 * flash and ROM blocks).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { repoRoot } from "./qemu/binaries.js";
import { launchChromium } from "./browser/chromium.js";

const CASES = [
  {
    png: "report-refusal.png",
    args: ["report", "samples/newer-aarch64-virt-7.2-a57.mig", "--dest", "samples/aarch64-virt-7.2-a57.mig", "--dest-qemu", "7.2"],
    /** What the shot shows: from the top to past the fix. */
    clip: "#verdict",
  },
  { png: "report-uefi.png", args: ["report", "samples/aarch64-virt-uefi.mig"], clip: "#ram" },
];

const work = mkdtempSync(join(tmpdir(), "vmstate-shots-"));
const outDir = join(repoRoot, "docs");
mkdirSync(outDir, { recursive: true });
const browser = await launchChromium({ viewport: { width: 1100, height: 900 } });
try {
  process.chdir(repoRoot);
  for (const c of CASES) {
    const html = join(work, c.png.replace(".png", ".html"));
    const r = spawnSync(process.execPath, [join(repoRoot, "packages/cli/bin/vmstate-inspect.cjs"), ...c.args, "-o", html], { stdio: "inherit" });
    if (r.status !== 0 && r.status !== 6) throw new Error(`vmstate-inspect ${c.args.join(" ")} exited with ${r.status ?? r.signal}`);
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(html).href);
    const box = await page.locator(c.clip).boundingBox();
    if (box === null) throw new Error(`${c.clip} is not on the page`);
    await page.screenshot({ path: join(outDir, c.png), fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.min(1600, box.y + box.height + 16) } });
    await page.close();
    console.log(`docs/${c.png}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
