// Files bundled as text: esbuild's `text` loader in src/build/build.mjs and the same-named plugin in
// vitest.config.ts make `import x from './file.css'` the file's contents as a string.
declare module '*.css' {
  const text: string;
  export default text;
}
declare module '*.sh' {
  const text: string;
  export default text;
}
