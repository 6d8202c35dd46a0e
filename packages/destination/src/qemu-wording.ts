/**
 * What a destination QEMU prints when it refuses a stream, in the wording of its release.
 * The checks describe each failure once (a {@link QemuFailure}); {@link qemuLines} words it.
 *
 * Two wordings exist (the release picks one: `release.ts`):
 * - "10.1": QEMU 10.1 and earlier (the same messages in the source from 4.2 on) report
 *   each step where it fails (`error_report`): one line per step, innermost first, then
 *   `load of migration failed: <strerror>`. Checked against the strings of the Debian 7.2
 *   and 10.0 binaries and by loading real streams into both (e2e-explain.test.ts).
 * - "10.2": QEMU 10.2 passes an `Error` up the loader (`savevm.c`, `vmstate.c`) and prints
 *   it once, from `migration.c:process_incoming_migration_co`:
 *   `load of migration failed: <strerror>: ` then the steps, outermost first, joined by
 *   ": ". Section errors lost their "savevm" wording, and steps that were silent now say
 *   something (post_load hooks, the RAM section's old-style load, subsections). Taken from
 *   the v10.2.0 source (unchanged in master as of February 2026); no 10.2 binary was run.
 * In every release the lines of the value checks (`vmstate-types.c`), of the configuration
 * checks and of `ram.c` are `error_report`s of their own, printed first.
 */
import type { QemuWording } from "./release.js";

/** One step of a failure as each wording prints it; null where it prints nothing. */
type Step = Readonly<Record<QemuWording, string | null>>;

const ERRNO = {
  EINVAL: { ret: -22, text: "Invalid argument" },
  EPERM: { ret: -1, text: "Operation not permitted" },
  ENOENT: { ret: -2, text: "No such file or directory" },
} as const;

/** A refused load, described once for every wording. */
export interface QemuFailure {
  /** `error_report` lines printed where the failure happens: first, in every release. */
  printed: readonly string[];
  /** The steps the error passes, outermost first (device section, subsections, cause). */
  steps: readonly Step[];
  /** What the load returns (`strerror` of it ends the output). */
  errno: keyof typeof ERRNO;
  /** Set when QEMU aborts instead: the assertion line (after the build's file and line), and nothing else follows. */
  abort?: string;
}

/** The lines QEMU prints on stderr for `f` (each prefixed there with the program name). */
export function qemuLines(f: QemuFailure, wording: QemuWording): string[] {
  if (f.abort !== undefined) return [...f.printed, f.abort];
  const steps = f.steps.map((s) => s[wording]).filter((s): s is string => s !== null);
  const last = `load of migration failed: ${ERRNO[f.errno].text}`;
  return wording === "10.1" ? [...f.printed, ...steps.reverse(), last] : [...f.printed, [last, ...steps].join(": ")];
}

/** A device section being loaded, and the subsections (outermost first) QEMU was inside. */
export interface LoadSite {
  idstr: string;
  instanceId: number;
  subsections?: readonly { name: string; parent: string }[];
}

const same = (text: string): Step => ({ "10.1": text, "10.2": text });

/** The steps of `site`: the section (`savevm.c:qemu_loadvm_section_start_full`) and its subsections. */
function inside(site: LoadSite, errno: QemuFailure["errno"]): Step[] {
  return [
    same(`error while loading state for instance 0x${site.instanceId.toString(16)} of device '${site.idstr}'`),
    // vmstate.c:vmstate_subsection_load prepends this from 10.2 on; silent before.
    ...(site.subsections ?? []).map((s) => ({ "10.1": null, "10.2": `Loading VM subsection '${s.name}' in '${s.parent}' failed: ${ERRNO[errno].ret}` })),
  ];
}

/** A field being loaded: its vmsd and top-level field (up to 10.1), its leaf's name and info (10.2). */
export interface LoadField {
  vmsd: string;
  field: string;
  leaf: string;
  type: string;
}

/** `savevm.c:configuration_post_load` refused, after printing `printed`. */
const configurationRefused = (printed: string): QemuFailure => ({
  printed: [printed],
  steps: [{ "10.1": null, "10.2": "post load hook failed for: configuration, version_id: 1, minimum_version: 0, ret: -22" }],
  errno: "EINVAL",
});

/** `ram.c` refused the RAM block list, after printing `printed`; `ram` is an old-style handler (`savevm.c:vmstate_load`). */
const ramRefused = (printed: string, version: number): QemuFailure => ({
  printed: [printed],
  steps: [...inside({ idstr: "ram", instanceId: 0 }, "EINVAL"), { "10.1": null, "10.2": `Failed to load vmstate version_id: ${version}, ret: -22` }],
  errno: "EINVAL",
});

/**
 * A field's `get` (`vmstate-types.c`) refused the value, after printing `printed`:
 * `vmstate.c:vmstate_load_state` names the vmsd and top-level field up to 10.1, the leaf's
 * info and name from 10.2.
 */
const fieldRefused = (site: LoadSite, f: LoadField, printed: string): QemuFailure => ({
  printed: [printed],
  steps: [...inside(site, "EINVAL"), { "10.1": `Failed to load ${f.vmsd}:${f.field}`, "10.2": `Failed to load element of type ${f.type} for ${f.leaf}: -22` }],
  errno: "EINVAL",
});

/** The failures the checks predict, in the loader's order. */
export const QEMU_FAILURES = {
  /** `savevm.c:qemu_loadvm_state_header`: the byte after the header is `found`, not QEMU_VM_CONFIGURATION. */
  configurationMissing: (found: number): QemuFailure => ({
    printed: [],
    steps: [{ "10.1": "Configuration section missing", "10.2": `Configuration section missing, ${found.toString(16)} != 7` }],
    errno: "EINVAL",
  }),
  /** `savevm.c:qemu_loadvm_state_main` meets a section type it does not know. */
  unknownSectionType: (type: number): QemuFailure => ({
    printed: [],
    steps: [{ "10.1": `Unknown savevm section type ${type}`, "10.2": `Unknown section type ${type}` }],
    errno: "EINVAL",
  }),
  machineType: (received: string, local: string) => configurationRefused(`Machine type received is '${received}' and local is '${local}'`),
  pageBits: (received: number, local: number) => configurationRefused(`Received TARGET_PAGE_BITS is ${received} but local is ${local}`),
  capability: (name: string, local: boolean, received: boolean) =>
    configurationRefused(`Capability ${name} is ${local ? "on" : "off"}, but received capability is ${received ? "on" : "off"}`),
  unknownSection: (idstr: string, instanceId: number): QemuFailure => {
    const rest = `'${idstr}' ${instanceId}. Make sure that your current VM setup matches your saved VM setup, including any hotplugged devices`;
    return { printed: [], steps: [{ "10.1": `Unknown savevm section or instance ${rest}`, "10.2": `Unknown section or instance ${rest}` }], errno: "EINVAL" };
  },
  sectionVersion: (idstr: string, version: number, local: number): QemuFailure => {
    const text = `unsupported version ${version} for '${idstr}' v${local}`;
    return { printed: [], steps: [{ "10.1": `savevm: ${text}`, "10.2": text }], errno: "EINVAL" };
  },
  /** `version` is the incoming `ram` section's. */
  unknownRamBlock: (idstr: string, version: number) => ramRefused(`Unknown ramblock "${idstr}", cannot accept migration`, version),
  /** `physmem.c:qemu_ram_resize` for a block that is not resizable. */
  ramBlockSize: (idstr: string, incoming: bigint, local: bigint, version: number) =>
    ramRefused(`Size mismatch: ${idstr}: 0x${incoming.toString(16)} != 0x${local.toString(16)}: Invalid argument`, version),
  /** `get_int32_le`. */
  fieldLe: (site: LoadSite, f: LoadField, loaded: bigint | number, current: bigint | number) =>
    fieldRefused(site, f, `Invalid value ${loaded} expecting positive value <= ${current}`),
  /** `get_*_equal`; the values as QEMU prints them, in hex. */
  fieldEqual: (site: LoadSite, f: LoadField, local: string, incoming: string) => fieldRefused(site, f, `${local} != ${incoming}`),
  /** `site.subsections` ends with the subsection that is too new. */
  subsectionTooNew: (site: LoadSite, name: string, version: number, local: number): QemuFailure => ({
    printed: [],
    steps: [...inside(site, "EINVAL"), same(`${name}: incoming version_id ${version} is too new for local version_id ${local}`)],
    errno: "EINVAL",
  }),
  /** `vmstate.c:vmstate_subsection_load` knows no subsection `name` of `parent` (silent up to 10.1). */
  unknownSubsection: (site: LoadSite, name: string, parent: string): QemuFailure => ({
    printed: [],
    steps: [...inside(site, "ENOENT"), { "10.1": null, "10.2": `VM subsection '${name}' in '${parent}' does not exist` }],
    errno: "ENOENT",
  }),
  /**
   * A post_load hook returned -1 (`target/arm/machine.c:cpu_post_load`), after printing
   * `printed`; 10.2 names the local vmsd's versions. The load ends in -1 (EPERM) up to 10.2
   * and in -EINVAL in 11.1 (seen), where the hook gained its own lines.
   */
  postLoad: (site: LoadSite, vmsd: string, version: number, minimumVersion: number, errno: "EPERM" | "EINVAL" = "EPERM", printed: readonly string[] = []): QemuFailure => ({
    printed,
    steps: [...inside(site, errno), { "10.1": null, "10.2": `post load hook failed for: ${vmsd}, version_id: ${version}, minimum_version: ${minimumVersion}, ret: -1` }],
    errno,
  }),
  /** QEMU aborted on an assertion (`cpu-subsections.ts`). */
  abort: (assertion: string): QemuFailure => ({ printed: [], steps: [], errno: "EINVAL", abort: assertion }),
};
