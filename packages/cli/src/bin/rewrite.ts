/** Entry of the vmstate-rewrite executable (bundled into dist/bundle/rewrite.js). */
import { main } from "../rewrite/main.js";
import { nodeIo } from "../io.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
