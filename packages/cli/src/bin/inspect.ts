/** Entry of the vmstate-inspect executable (bundled into dist/bundle/inspect.js). */
import { main } from "../inspect/main.js";
import { nodeIo } from "../io.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
