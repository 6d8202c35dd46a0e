import type { CliIo } from "./io.js";

/**
 * `io` for a command run with `-q`: what it would say on stderr besides its result (progress,
 * the not-verified notice, dump's left-out fields, verify's count line) goes nowhere. Errors
 * are not lost: a command throws them, and runCli prints them through its own io.
 */
export function quietIo(io: CliIo): CliIo {
  // A child object, not a copy: a copy would run nodeIo's getters (stdoutIsTTY, …) at once.
  const quiet = Object.create(io) as CliIo;
  quiet.stderr = () => {};
  return quiet;
}
