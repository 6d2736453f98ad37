// The contract's module (shared-layer) reads its limits from `process.env` when it runs in a
// function. The console always passes them, so `process` is only named there, never read here.
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };
