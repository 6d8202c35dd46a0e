/**
 * The toolkit's version for `--version`. The bundler (scripts/bundle.mjs) replaces
 * VMSTATE_VERSION with @vmstate/cli's package.json version, so the number lives in one place;
 * code run from source (the in-process tests) says "dev".
 */
declare const VMSTATE_VERSION: string | undefined;

export const VERSION: string = typeof VMSTATE_VERSION === "string" ? VMSTATE_VERSION : "dev";
