/**
 * Regenerates samples/*.mig, samples/manifest.json and samples/README.md from real QEMU.
 *
 *   npm run samples                      # everything
 *   npx tsx tools/capture-samples.ts --only aarch64-virt-xbzrle.mig,arm-virt-a15.mig
 *   npx tsx tools/capture-samples.ts --skip-newer   # without tools/fetch-newer-qemu.sh
 *   npx tsx tools/capture-samples.ts --skip-111     # without tools/fetch-qemu-trixie.sh
 *   npx tsx tools/capture-samples.ts --readme-only  # re-render README (and `exercises`) only
 *
 * For every sample it captures the stream (tools/qemu/capture.ts), checks the framing against
 * what the sample is meant to have (tools/samples/inspect.ts), checks the feature was really
 * exercised (e.g. XBZRLE pages reported), loads it back into the QEMU that wrote it
 * (tools/qemu/load.ts) and, for the deliberate backward-migration sample, checks that 7.2
 * rejects it with the expected message. A simulated sample gets its registers put in after the
 * capture (`inserted`), and is checked to be refused. The manifest records exactly what a
 * test needs to load a sample again. Entries for samples not regenerated in this run are kept.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { qemuAvailability, repoRoot, type QemuBinary } from "./qemu/binaries.js";
import { captureStream, type CaptureResult } from "./qemu/capture.js";
import { loadStream } from "./qemu/load.js";
import { compressibleText, xbzrleLoopBytes } from "./samples/guest-data.js";
import { inspectFraming } from "./samples/inspect.js";
import { renderReadme } from "./samples/readme.js";
import { SAMPLES_111, SAMPLES_72, SAMPLES_NEWER, SAMPLES_SIMULATED, type SampleSpec } from "./samples/specs.js";
import { simulateNewerSource } from "./simulate-newer-source.js";
import { hex64 } from "@vmstate/wire";
import type { ManifestEntry, Manifest } from "./samples/manifest.js";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = opt("--only")?.split(",").map((s) => s.trim()).filter(Boolean);
const skipNewer = argv.includes("--skip-newer");
const skip111 = argv.includes("--skip-111");
/** Every sample, in the order the manifest and README list them. */
const ALL_SAMPLES = [...SAMPLES_72, ...SAMPLES_NEWER, ...SAMPLES_111, ...SAMPLES_SIMULATED];
const outDir = opt("--out") ?? join(repoRoot, "samples");

const manifestPath = join(outDir, "manifest.json");
const previous: Manifest | undefined = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest)
  : undefined;

const specs = [...SAMPLES_72, ...(skipNewer ? [] : SAMPLES_NEWER), ...(skip111 ? [] : SAMPLES_111), ...SAMPLES_SIMULATED].filter(
  (s) => !only || only.includes(s.file),
);
if (only) {
  const unknown = only.filter((f) => !ALL_SAMPLES.some((s) => s.file === f));
  if (unknown.length) throw new Error(`unknown sample(s): ${unknown.join(", ")}`);
}

const work = mkdtempSync(join(tmpdir(), "vmstate-samples-"));
writeFileSync(join(work, "compress.txt"), compressibleText(256 * 1024));
writeFileSync(join(work, "loop.bin"), xbzrleLoopBytes());

/** Replaces machine-specific paths in an argv so READMEs and manifests are stable. */
function portable(args: string[]): string[] {
  return args.map((a) =>
    a
      .replaceAll(work, "$WORK")
      .replace(/unix:[^,]*qmp\.sock/, "unix:SOCK")
      .replaceAll(repoRoot, ""),
  );
}

function binaryInfo(bin: QemuBinary) {
  const rel = bin.path.startsWith(repoRoot) ? relative(repoRoot, bin.path) : bin.path.split("/").pop()!;
  return { binary: rel, baseArgs: portable(bin.baseArgs) };
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

async function makeSample(spec: SampleSpec): Promise<ManifestEntry> {
  const avail = qemuAvailability(spec.kind);
  if (!avail.binary || !avail.available) throw new Error(avail.reason);
  const binary = avail.binary;
  const file = join(outDir, spec.file);
  const tmpFile = `${file}.tmp`;
  const sourceOnly = (spec.sourceOnlyArgs ?? []).map((a) => a.replaceAll("{work}", work));
  console.log(`== ${spec.file} (${avail.version})`);
  const cap: CaptureResult = await captureStream({
    binary,
    args: [...spec.args, ...sourceOnly],
    capabilities: spec.capabilities,
    parameters: spec.parameters,
    runMs: spec.runMs,
    live: spec.live,
    file: tmpFile,
  });
  if (spec.inserted) {
    await simulateNewerSource(tmpFile, file, spec.inserted);
    rmSync(tmpFile);
  } else renameSync(tmpFile, file);
  const bytes = readFileSync(file);

  // The bytes must have the framing the sample claims.
  const framing = inspectFraming(bytes, spec.arch === "x86_64" ? 12 : 10);
  const problems: string[] = [];
  if (framing.vmdesc !== spec.expect.vmdesc) problems.push(`vmdesc ${framing.vmdesc}`);
  if (framing.footers !== spec.expect.footers) problems.push(`footers ${framing.footers}`);
  if (framing.configuration !== spec.expect.configuration) problems.push(`configuration ${framing.configuration}`);
  if (framing.pageSize !== undefined && framing.pageSize !== spec.expect.pageSize) problems.push(`pageSize ${framing.pageSize}`);
  const complaint = spec.check?.(cap.final);
  if (complaint) problems.push(complaint);
  if (problems.length) throw new Error(`${spec.file}: unexpected stream: ${problems.join(", ")}`);

  // It must load back into the QEMU that wrote it.
  const dest = spec.destination ?? {};
  const self = await loadStream({
    binary,
    args: spec.args,
    file,
    extraArgs: dest.extraArgs,
    capabilities: dest.capabilities,
    parameters: dest.parameters,
  });
  console.log(`   ${bytes.length} bytes; loads back: ${self.ok ? "yes" : `NO (${self.reason})\n${self.stderr}`}`);
  if (!self.ok && spec.selfLoad !== false) throw new Error(`${spec.file} does not load back: ${self.reason}\n${self.stderr}`);

  const crossLoads: ManifestEntry["verified"]["crossLoads"] = [];
  for (const cross of spec.crossLoads ?? []) {
    const other = qemuAvailability(cross.kind);
    if (!other.binary || !other.available) {
      if (skipNewer && cross.kind.startsWith("newer")) continue;
      throw new Error(other.reason);
    }
    const r = await loadStream({ binary: other.binary, args: spec.args, file });
    const matched = !r.ok && r.stderr.includes(cross.stderrIncludes);
    console.log(`   into ${cross.kind}: ${r.ok ? "LOADED (unexpected)" : "fails"}; stderr: ${r.stderr.trim()}`);
    if (!matched) throw new Error(`${spec.file}: expected ${cross.kind} to fail with "${cross.stderrIncludes}"`);
    crossLoads.push({ kind: cross.kind, version: other.version ?? "", ok: r.ok, stderr: r.stderr.trim() });
  }

  const f = cap.final;
  return {
    file: spec.file,
    bytes: bytes.length,
    sha256: sha256(file),
    qemu: { kind: spec.kind, version: cap.version, ...binaryInfo(binary) },
    args: spec.args,
    destination: {
      extraArgs: dest.extraArgs ?? [],
      capabilities: dest.capabilities ?? {},
      parameters: dest.parameters ?? {},
    },
    source: {
      argv: portable(cap.argv),
      sourceOnlyArgs: portable(sourceOnly),
      capabilities: spec.capabilities ?? {},
      parameters: spec.parameters ?? {},
      runMs: spec.runMs,
      live: Boolean(spec.live),
      qmpSteps: cap.steps.map((s) => portable([s.replaceAll(tmpFile, "FILE").replaceAll(file, "FILE")])[0]!),
    },
    flags: {
      vmdesc: framing.vmdesc,
      footers: framing.footers,
      configuration: framing.configuration,
      pageSize: spec.expect.pageSize,
      arch: spec.arch,
      vcpus: spec.vcpus,
      machine: framing.machine ?? null,
    },
    ramBlocks: framing.ramBlocks,
    migrateStats: {
      transferred: f.ram?.transferred ?? 0,
      normalPages: f.ram?.normal ?? 0,
      zeroPages: f.ram?.duplicate ?? 0,
      dirtySyncCount: f.ram?.["dirty-sync-count"] ?? 0,
      xbzrlePages: f["xbzrle-cache"]?.pages ?? 0,
      compressedPages: f.compression?.pages ?? 0,
    },
    verified: {
      selfLoad: { kind: spec.kind, ok: self.ok, status: self.status },
      crossLoads,
    },
    exercises: spec.exercises,
    ...(spec.inserted ? { inserted: Object.fromEntries([...spec.inserted].map(([id, v]) => [hex64(id), hex64(v)])) } : {}),
  };
}

/** Re-renders README.md from the manifest, refreshing each entry's `exercises` text. */
function readmeOnly(): void {
  if (!previous) throw new Error(`no ${manifestPath}`);
  const text = new Map(ALL_SAMPLES.map((s) => [s.file, s.exercises]));
  for (const e of previous.samples) e.exercises = text.get(e.file) ?? e.exercises;
  writeFileSync(manifestPath, JSON.stringify(previous, null, 2) + "\n");
  writeFileSync(join(outDir, "README.md"), renderReadme(previous));
}

async function main(): Promise<void> {
  if (argv.includes("--readme-only")) {
    readmeOnly();
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const made = new Map<string, ManifestEntry>();
  const failures: string[] = [];
  for (const spec of specs) {
    try {
      made.set(spec.file, await makeSample(spec));
    } catch (err) {
      failures.push(`${spec.file}: ${(err as Error).message}`);
      console.error(`!! ${spec.file}: ${(err as Error).message}`);
      rmSync(join(outDir, `${spec.file}.tmp`), { force: true });
    }
  }
  // Keep entries of samples not regenerated now, in the order the specs define.
  const order = ALL_SAMPLES.map((s) => s.file);
  const old = new Map((previous?.samples ?? []).map((e) => [e.file, e]));
  const samples = order
    .map((f) => made.get(f) ?? old.get(f))
    .filter((e): e is ManifestEntry => e !== undefined && existsSync(join(outDir, e.file)));
  const manifest: Manifest = {
    generatedBy: "tools/capture-samples.ts",
    note: "args: arguments for a destination QEMU (add destination.extraArgs and -incoming); qemu.kind names the flavour in tools/qemu/binaries.ts.",
    samples,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
  writeFileSync(join(outDir, "README.md"), renderReadme(manifest));
  const total = samples.reduce((n, e) => n + statSync(join(outDir, e.file)).size, 0);
  console.log(`\n${samples.length} samples, ${(total / 1024 / 1024).toFixed(2)} MiB in ${outDir}`);
  rmSync(work, { recursive: true, force: true });
  if (failures.length) {
    console.error(`\n${failures.length} sample(s) failed:\n${failures.join("\n")}`);
    process.exitCode = 1;
  }
}

await main();
