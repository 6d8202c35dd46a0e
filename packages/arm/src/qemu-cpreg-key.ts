/**
 * QEMU's 32-bit key for a register (`target/arm/cpregs.h:kvm_to_cpreg_id`): the key of its
 * register hash table, and what QEMU 11 prints as `system register 0x…` when a register is
 * in only one of a migration's two lists. The low 32 bits of the 64-bit id, with bit 28
 * set for AArch64 registers; for AArch32 ones bit 15 marks a 64-bit register and bit 29
 * the non-secure bank (QEMU sets it on every id it converts).
 */
const AA64 = 0x1000_0000;
const AA32_64BIT = 0x8000;
const AA32_NS = 0x2000_0000;

/** The QEMU hash-table key of the 64-bit register id `id`. */
export function qemuCpregKey(id: bigint): number {
  const low = Number(id & 0xffff_ffffn);
  if ((id & 0xff00_0000_0000_0000n) === 0x6000_0000_0000_0000n) return (low | AA64) >>> 0;
  const u64 = (id & 0x00f0_0000_0000_0000n) === 0x0030_0000_0000_0000n;
  return (low | (u64 ? AA32_64BIT : 0) | AA32_NS) >>> 0;
}
