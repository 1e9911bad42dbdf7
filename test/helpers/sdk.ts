// The reader SDK as users get it: the built package's entry point (its package.json
// "exports" "." import). The root package.json does not depend on the workspace
// packages, so the bare name '@pwalk-ts/reader' does not resolve from test/; this is
// the same file that name resolves to from packages/cli.
export * from '../../packages/reader/dist/index.js';
