/**
 * The guests of the compatibility matrix: a machine type and a CPU model, and the QEMU
 * arguments both sides of a migration get.
 *
 * Why these CPUs: cortex-a57 is the headline case; cortex-a72 with two vCPUs checks
 * that every vCPU's `cpu` section is handled; cortex-a53 has other ID register values; `max`
 * grows with every release (new registers and subsections such as `cpu/fpmr`). Why `-m 32
 * -nodefaults` and no firmware: the device state is what differs between releases, and a
 * small guest keeps each QEMU run to a second or two under TCG.
 */

/** A CPU model with the arguments that select it. */
export interface CpuVariant {
  /** Short label for file names and tables ("a57", "a72x2", "a53", "max"). */
  label: string;
  /** `-cpu …` and any further arguments the model goes with (`-smp 2`). */
  args: readonly string[];
}

/** The CPU models of the matrix. */
export const CPUS: readonly CpuVariant[] = [
  { label: "a57", args: ["-cpu", "cortex-a57"] },
  { label: "a72x2", args: ["-cpu", "cortex-a72", "-smp", "2"] },
  { label: "a53", args: ["-cpu", "cortex-a53"] },
  { label: "max", args: ["-cpu", "max"] },
];

/** A machine type and a CPU model: what both sides of one migration run. */
export interface Guest {
  machine: string;
  cpu: CpuVariant;
}

/** The QEMU arguments of `guest` (without `-S` or `-incoming`, which the harness adds). */
export function guestArgs(guest: Guest): string[] {
  return ["-M", guest.machine, ...guest.cpu.args, "-m", "32", "-nodefaults"];
}

/** `virt-7.2 -cpu cortex-a72 -smp 2`: the guest as a person would write it in a table. */
export function describeGuest(guest: Guest): string {
  return `${guest.machine} ${guest.cpu.args.join(" ")}`;
}
