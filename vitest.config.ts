// Shell helpers of the fix script live in .sh files (src/fix/shell/); the bundle gets them as text through
// esbuild's `text` loader (src/build/build.mjs), and tests through this plugin, which does the same.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      name: 'kube-residue-text-files',
      enforce: 'pre',
      load(id: string) {
        const file = id.split('?')[0] ?? id;
        return file.endsWith('.sh') ? `export default ${JSON.stringify(readFileSync(file, 'utf8'))};` : undefined;
      },
    },
  ],
});
