/** `virsh save` images for tests, built as libvirt builds them (libvirt itself is not needed). */
export { libvirtImage, libvirtHeaderArea, run } from "../../tools/libvirt-save-image.js";
