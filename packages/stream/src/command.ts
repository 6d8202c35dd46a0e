import { ByteWriter, MalformedError, UnsupportedError, type ByteSource } from "@vmstate/wire";
import { MIG_CMD, MIG_CMD_NAMES, QEMU_VM } from "./constants.js";
import type { CommandRecord } from "./records.js";

/** Fixed payload lengths QEMU's loader insists on (savevm.c: mig_cmd_args). */
const FIXED_LENGTHS: Record<number, number> = {
  [MIG_CMD.OPEN_RETURN_PATH]: 0,
  [MIG_CMD.PING]: 4,
  [MIG_CMD.POSTCOPY_LISTEN]: 0,
  [MIG_CMD.POSTCOPY_RUN]: 0,
  [MIG_CMD.PACKAGED]: 4,
  [MIG_CMD.ENABLE_COLO]: 0,
  [MIG_CMD.POSTCOPY_RESUME]: 0,
  [MIG_CMD.SWITCHOVER_START]: 0,
};

/**
 * A command element: 0x08, be16 id, be16 length, payload (savevm.c: qemu_savevm_command_send).
 * PACKAGED (postcopy) nests a whole element list behind its payload; postcopy streams are not
 * files anyone saves, so it is refused rather than half-understood.
 */
export async function readCommand(src: ByteSource): Promise<CommandRecord> {
  const start = src.offset;
  await src.need(5, "a command");
  src.mark();
  src.u8();
  const cmd = src.be16();
  const len = src.be16();
  const name = MIG_CMD_NAMES[cmd];
  if (name === undefined || cmd === MIG_CMD.INVALID) {
    throw new MalformedError("MALFORMED", `unknown command 0x${cmd.toString(16)} (length ${len})`, { offset: start });
  }
  const fixed = FIXED_LENGTHS[cmd];
  if (fixed !== undefined && fixed !== len) {
    throw new MalformedError("MALFORMED", `command ${name} has length ${len}, expected ${fixed}`, { offset: start });
  }
  if (cmd === MIG_CMD.PACKAGED) {
    throw new UnsupportedError("postcopy PACKAGED command: postcopy streams are not supported", { offset: start });
  }
  await src.need(len, `the payload of command ${name}`);
  src.skip(len);
  const bytes = src.sliceFromMark();
  return { kind: "command", cmd, name, payload: bytes.subarray(5), start, end: src.offset, bytes };
}

export function encodeCommand(rec: CommandRecord): Uint8Array {
  return new ByteWriter(5 + rec.payload.length)
    .u8(QEMU_VM.COMMAND)
    .be16(rec.cmd)
    .be16(rec.payload.length)
    .bytes(rec.payload)
    .finish();
}
