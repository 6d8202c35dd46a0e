import { readLibvirtImageHead } from "@vmstate/stream";
import { VmstateError } from "@vmstate/wire";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { openInput, type CliIo } from "../io.js";
import { jsonDocument } from "../json-output.js";

/**
 * `xml IMAGE`: the domain XML a `virsh save` image carries, as stored (what `virsh
 * save-image-dumpxml` shows, before virsh re-formats it), without libvirt. Only the header
 * and XML area are read, so a compressed image's stream is never decompressed. Exit 4 for a
 * bare migration stream, which has no XML. `--json`: the XML with what the header says of it.
 */
export async function xmlCommand(file: string, json: boolean, io: CliIo): Promise<ExitCode> {
  const input = openInput(file, io);
  try {
    const head = await readLibvirtImageHead(input.bytes);
    if (head === undefined) throw new VmstateError("NOT_APPLICABLE", `${input.name} is not a libvirt save image (no LibvirtQemudSave magic): a bare migration stream carries no domain XML`);
    if (json) {
      const { complete, format, wasRunning, domainXml, cookieXml } = head;
      io.print(jsonDocument("xml", { file: input.name, complete, format, wasRunning, domainXml, cookieXml: cookieXml ?? null }));
    } else io.print(head.domainXml.endsWith("\n") ? head.domainXml : `${head.domainXml}\n`);
    return EXIT.OK;
  } finally {
    input.close();
  }
}
