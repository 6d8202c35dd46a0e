/**
 * The guest our libvirt images hold: the smallest aarch64 machine libvirt will run here, as
 * the QEMU samples (tools/samples/specs.ts): `virt-7.2`, `cortex-a57`, TCG, no firmware, no
 * disk, no network, no USB, no balloon. It executes the empty flash; its state is what matters.
 */

/** The domain name; one guest at a time uses it. */
export const GUEST_NAME = "vmstate-save-test";
export const GUEST_MACHINE = "virt-7.2";
export const GUEST_CPU = "cortex-a57";
export const GUEST_MEMORY_MIB = 128;

/** The domain XML given to `virsh create`. */
export function guestXml(): string {
  return `<domain type='qemu'>
  <name>${GUEST_NAME}</name>
  <memory unit='MiB'>${GUEST_MEMORY_MIB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='aarch64' machine='${GUEST_MACHINE}'>hvm</type>
  </os>
  <cpu mode='custom' match='exact'>
    <model fallback='forbid'>${GUEST_CPU}</model>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-aarch64</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}
