/** Entry of the vmstate-inspect executable (bundled into dist/bundle/inspect.cjs). */
import { main } from "../inspect/main.js";
import { nodeIo } from "../io.js";

// No top-level await: the bundle is CommonJS so that bin/run-bundle.cjs can load it with a code cache.
void main(process.argv.slice(2), nodeIo("vmstate-inspect")).then((code) => {
  process.exitCode = code;
});
