// Files imported as text: esbuild bundles them with its `text` loader (src/build/build.mjs) and vitest loads
// them through the plugin in vitest.config.ts, so shell code lives in .sh files that shellcheck can read.
declare module '*.sh' {
  const text: string;
  export default text;
}
