/**
 * The subsections of the Arm `cpu` section (`vmstate_arm_cpu`) each QEMU release can load,
 * and the ones that load into state a destination may not have.
 *
 * A subsection goes out only when its `needed` test is true on the source, so a
 * destination's own stream shows only what it needed; which names it *knows* comes from
 * its release: read from `target/arm/machine.c` of v7.2.0, v10.0.0, v10.1.0 and v10.2.0,
 * and from the strings of the Debian 7.2, 10.0 and 11.1 binaries (which agree with the
 * source where both exist). A release missing here is not guessed at.
 */
import type { QemuRelease } from "./release.js";

const V72 = [
  "cpu/vfp", "cpu/iwmmxt", "cpu/sve", "cpu/sve/zreg_hi", "cpu/sve/preg", "cpu/sme", "cpu/serror", "cpu/irq-line-state",
  "cpu/m", "cpu/m/faultmask-primask", "cpu/m/csselr", "cpu/m/scr", "cpu/m/other-sp", "cpu/m/v8m", "cpu/m/fp", "cpu/m/mve",
  "cpu/thumb2ee", "cpu/pmsav7", "cpu/pmsav7-rnr", "cpu/pmsav8", "cpu/m-security",
];
/** 10.0 adds FPCR/FPSR, the WFxT timer and PMSAv8-R. */
const V100 = [...V72, "cpu/vfp/fpcr_fpsr", "cpu/wfxt-timer", "cpu/pmsav8/pmsav8r"];
/** 10.1 adds SME2's ZT0. */
const V101 = [...V100, "cpu/zt0"];
/** 10.2 drops iWMMXt and adds the 64-bit PSTATE and syndrome. */
const V102 = [...V101.filter((n) => n !== "cpu/iwmmxt"), "cpu/pstate64", "cpu/syndrome64"];
/** 11.1 adds FPMR and the event register. */
const V111 = [...V102, "cpu/fpmr", "cpu/event"];

const KNOWN: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["7.2", new Set(V72)],
  ["10.0", new Set(V100)],
  ["10.1", new Set(V101)],
  ["10.2", new Set(V102)],
  ["11.1", new Set(V111)],
]);

/** The releases whose `cpu` subsections are known, as `--dest-qemu` takes them (offered by shell completion). */
export const KNOWN_RELEASES: readonly string[] = [...KNOWN.keys()];

/** Every `cpu` subsection some release in the table knows, as `--drop-subsection` takes them (offered by shell completion). */
export const KNOWN_CPU_SUBSECTIONS: readonly string[] = [...new Set([...KNOWN.values()].flatMap((names) => [...names]))].sort();

/** The `cpu` subsections `release` can load, or undefined for a release not in the table. */
export function knownCpuSubsections(release: QemuRelease): ReadonlySet<string> | undefined {
  return KNOWN.get(`${release[0]}.${release[1]}`);
}

/**
 * Subsections whose fields load through a pointer that a destination creates only when its
 * own CPU needs the subsection, keyed by name, with the releases where that holds. Up to
 * 10.2 `cpu/wfxt-timer` carries the timer behind `ARMCPU.wfxt_timer`, which exists only for
 * CPUs with FEAT_WFxT (`-cpu max`); the same test decides whether the subsection is sent.
 * So when a destination's stream lacks it, loading it writes through a null timer pointer,
 * and QEMU aborts on the assertion in `vmstate_load_state` (seen with QEMU 10.0 loading an
 * 11.1 cortex-a57 stream). 11.1 creates the timer for every CPU (it sends the subsection
 * for cortex-a57 too).
 */
export const NULL_POINTER_SUBSECTIONS: ReadonlyMap<string, { before: QemuRelease }> = new Map([["cpu/wfxt-timer", { before: [11, 0] }]]);

/**
 * The line glibc prints for that abort: the source file and line of the assertion, then the
 * function and the assertion. The line is the release's (`migration/vmstate.c` of v10.0.0,
 * v10.1.0, v10.2.0); the path is as Debian's build prints it (seen with 10.0), while a build
 * made in another tree may print another path.
 */
export function nullPointerAssertion(release: QemuRelease): string {
  const line = ASSERTION_LINES.get(`${release[0]}.${release[1]}`);
  return `${line === undefined ? "" : `migration/vmstate.c:${line}: `}vmstate_load_state: Assertion \`first_elem || !n_elems || !size' failed.`;
}

const ASSERTION_LINES: ReadonlyMap<string, number> = new Map([
  ["10.0", 172],
  ["10.1", 172],
  ["10.2", 185],
]);
