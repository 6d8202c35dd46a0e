/**
 * Regenerates test/golden/analyze-migration/: what QEMU's own `scripts/analyze-migration.py
 * -d state -f SAMPLE` prints for every committed sample, so `vmstate-inspect dump --format
 * analyze-migration` can be compared with it byte for byte.
 *
 *   npx tsx tools/gen-analyze-migration-golden.ts PATH/TO/analyze-migration.py [--samples DIR] [--out DIR]
 *
 * Where the script comes from: QEMU's source tree, `scripts/analyze-migration.py`. The golden
 * data in the repository were made from the v10.2.0 release (tag v10.2.0, commit
 * 698104725efad4b29079d857dfdebbd804e34c99), e.g.
 *   curl -o .cache/analyze-migration/analyze-migration.py \
 *     https://gitlab.com/qemu-project/qemu/-/raw/v10.2.0/scripts/analyze-migration.py
 * or `git show v10.2.0:scripts/analyze-migration.py` in a QEMU clone. The script is GPL code of
 * another project: it stays out of this repository. Keep it under .cache/ (gitignored).
 *
 * The local fix: every released version stops on QEMU 7.2 aarch64 streams with "Unknown
 * section type: 5". 7.2 writes the `configuration/target-page-bits` subsection after the
 * machine name but (before 8.2) does not describe the configuration section in the vmdesc, and
 * the script's fallback for that case reads only the name, leaving the subsection marker (0x05)
 * for its top-level loop. This tool writes a patched copy beside the original
 * (`<name>.vmstate-patched.py`, so under .cache/ when the original is there) whose
 * `ConfigurationSection` fallback goes on to read the configuration subsections by QEMU's rule
 * (marker 0x05, counted name starting with "configuration", be32 version, then the body:
 * be32 page bits; be32 count + counted capability names; 16 UUID bytes) and puts the next
 * byte back when no subsection follows. Nothing else changes, so on every stream the unpatched
 * script reads, both print the same text.
 *
 * Output: one `<sample>.json` per sample the script reads (its stdout, verbatim), and
 * `index.json` naming the script's SHA-256, each sample's SHA-256 (golden data describe one
 * capture: re-run this tool whenever samples are re-captured; the test says so when they
 * differ) and, for each sample the script cannot read, the exception it raised.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const MARKER = "_vmstate_local_fix_configuration_subsections";

/** The method the patch adds to `ConfigurationSection` (our code, Python). */
const FIX_METHOD = `
    def ${MARKER}(self):
        # Local fix by vmstate (tools/gen-analyze-migration-golden.ts): read the
        # configuration subsections a vmdesc without a "configuration" entry leaves out.
        while True:
            at = self.file.tell()
            if self.file.read8() != 0x05:
                self.file.seek(at, os.SEEK_SET)
                return
            name = self.file.readstr()
            if not name.startswith("configuration/"):
                self.file.seek(at, os.SEEK_SET)
                return
            self.file.read32()  # subsection version
            if name == "configuration/target-page-bits":
                self.file.read32()
            elif name == "configuration/capabilities":
                for _ in range(self.file.read32()):
                    self.caps.append(self.file.readstr())
            elif name == "configuration/uuid":
                self.file.readvar(16)
            else:
                raise Exception("Unknown configuration subsection %s" % name)
`;

/**
 * Inserts the fix: a call at the end of `ConfigurationSection.read` (its last statement is the
 * no-description fallback), and the method at the end of the class.
 * @throws when the class does not have the expected shape (another script version).
 */
export function patchScript(source: string): string {
  if (source.includes(MARKER)) return source;
  const lines = source.split("\n");
  const classAt = lines.findIndex((l) => l.startsWith("class ConfigurationSection"));
  if (classAt < 0) throw new Error("no ConfigurationSection class: not a known analyze-migration.py");
  let end = lines.findIndex((l, i) => i > classAt && /^\S/.test(l));
  if (end < 0) end = lines.length;
  let last = end - 1;
  while (last > classAt && lines[last]!.trim() === "") last--;
  const readAt = lines.findIndex((l, i) => i > classAt && i < end && /^ {4}def read\(self\):/.test(l));
  let lastDef = -1;
  for (let i = classAt + 1; i < end; i++) if (/^ {4}def /.test(lines[i]!)) lastDef = i;
  if (readAt < 0 || readAt !== lastDef || !/^ {12}\S/.test(lines[last]!)) {
    throw new Error("ConfigurationSection.read does not end in its fallback branch: patch by hand");
  }
  lines.splice(last + 1, 0, `            self.${MARKER}()`, ...FIX_METHOD.split("\n").slice(0, -1));
  return lines.join("\n");
}

interface Index {
  script: { source: string; sha256: string; patched: string };
  /** Sample file → SHA-256 of the sample the golden data were made from. */
  samples: Record<string, string>;
  golden: string[];
  unreadable: Record<string, string>;
}

function main(argv: string[]): void {
  const scriptPath = argv.find((a) => !a.startsWith("--"));
  const opt = (name: string, dflt: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]!) : dflt;
  };
  if (!scriptPath) {
    console.error("usage: tsx tools/gen-analyze-migration-golden.ts PATH/TO/analyze-migration.py [--samples DIR] [--out DIR]");
    process.exit(2);
  }
  const samples = opt("--samples", join(repo, "samples"));
  const out = opt("--out", join(repo, "test", "golden", "analyze-migration"));
  const source = readFileSync(scriptPath, "utf8");
  const patched = join(dirname(resolve(scriptPath)), basename(scriptPath, ".py") + ".vmstate-patched.py");
  writeFileSync(patched, patchScript(source));

  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (f.endsWith(".mig.json")) rmSync(join(out, f));
  const index: Index = {
    script: {
      source: "QEMU scripts/analyze-migration.py (v10.2.0 for the committed data), with the local fix described in README.md",
      sha256: createHash("sha256").update(source).digest("hex"),
      patched: createHash("sha256").update(readFileSync(patched)).digest("hex"),
    },
    samples: {},
    golden: [],
    unreadable: {},
  };
  for (const name of readdirSync(samples).filter((f) => f.endsWith(".mig")).sort()) {
    index.samples[name] = createHash("sha256").update(readFileSync(join(samples, name))).digest("hex");
    try {
      const text = execFileSync("python3", [patched, "-f", join(samples, name), "-d", "state"], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", "pipe", "pipe"],
      });
      writeFileSync(join(out, `${name}.json`), text);
      index.golden.push(name);
      console.log(`${name}: ${text.length} bytes`);
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? e);
      // The first exception raised (the script then re-raises it as "Full JSON dump: ...").
      const reason = /^(\w*(?:Error|Exception): (?!\('Full JSON dump).*)$/m.exec(stderr)?.[1] ?? stderr.trim().split("\n").pop() ?? "failed";
      index.unreadable[name] = reason.trim();
      console.log(`${name}: unreadable (${index.unreadable[name]})`);
    }
  }
  writeFileSync(join(out, "index.json"), JSON.stringify(index, null, 2) + "\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
