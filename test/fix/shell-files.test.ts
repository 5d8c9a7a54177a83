// The fix script's shell helpers are .sh files (src/fix/shell/): shellcheck reads them as they are, not only
// as part of a generated script.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandAvailable, runShell } from './helpers.js';

const dir = path.resolve('src/fix/shell');
const files = readdirSync(dir).filter((f) => f.endsWith('.sh')).map((f) => path.join(dir, f));

describe('shell helper files', () => {
  it('exist', () => {
    expect(files.map((f) => path.basename(f)).sort()).toEqual(expect.arrayContaining(['args.sh', 'helpers.sh']));
  });
  for (const file of files) {
    it(`${path.basename(file)} passes dash -n and shellcheck`, () => {
      expect(runShell('dash', ['-n', file]).stderr).toBe('');
      if (!commandAvailable('shellcheck')) {
        if (process.env.CI) throw new Error('shellcheck is required on CI');
        return;
      }
      const r = runShell('shellcheck', ['--shell=sh', '--severity=style', file]);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
