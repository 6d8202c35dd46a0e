/** Entry of the vmstate-rewrite executable (bundled into dist/bundle/rewrite.cjs). */
import { main } from "../rewrite/main.js";
import { nodeIo } from "../io.js";

// No top-level await: the bundle is CommonJS so that bin/run-bundle.cjs can load it with a code cache.
void main(process.argv.slice(2), nodeIo("vmstate-rewrite")).then((code) => {
  process.exitCode = code;
});
