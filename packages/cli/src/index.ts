export { main as rewriteMain } from "./rewrite/main.js";
export { main as inspectMain } from "./inspect/main.js";
export { nodeIo, type CliIo, type CliFs } from "./io.js";
export { EXIT, VERDICT_EXIT } from "./exit-codes.js";
