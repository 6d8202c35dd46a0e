/**
 * What names the Arm `cpu` device section in a stream: its idstr, its version, and the names
 * of the three fields that carry the register list (`target/arm/machine.c`,
 * `vmstate_arm_cpu`; wire-format.md §12). Kept apart so that code which only needs to
 * recognise the section does not load the schema.
 */

/** The idstr Arm vCPUs register their state under (x86 uses the same name, other versions). */
export const ARM_CPU_IDSTR = "cpu";

/** `vmstate_arm_cpu.version_id`, unchanged from QEMU 2.x to 11.1. */
export const ARM_CPU_VERSION = 22;

/** Field names of the `cpu` section's register list: field 13 and the two arrays it counts. */
export const CPREG_FIELDS = {
  LEN: "cpreg_vmstate_array_len",
  INDEXES: "cpreg_vmstate_indexes",
  VALUES: "cpreg_vmstate_values",
} as const;
