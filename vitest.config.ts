// The tests load src/ as esbuild bundles it: files that src/build/build.mjs bundles with the `text` loader
// (.css, .sh) are imported as their contents, a string.
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

const TEXT_FILE = /\.(css|sh)$/;
/** Resolved ids are wrapped so that vite's own CSS handling (which matches `.css` at the end) leaves them alone. */
const PREFIX = '\0kr-text:';
const SUFFIX = '.as-text';

function textLoader(): Plugin {
  return {
    name: 'text',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!TEXT_FILE.test(source) || importer === undefined) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved ? `${PREFIX}${resolved.id}${SUFFIX}` : null;
    },
    load(id) {
      if (!id.startsWith(PREFIX) || !id.endsWith(SUFFIX)) return null;
      return `export default ${JSON.stringify(readFileSync(id.slice(PREFIX.length, -SUFFIX.length), 'utf8'))};`;
    },
  };
}

export default defineConfig({ plugins: [textLoader()] });
