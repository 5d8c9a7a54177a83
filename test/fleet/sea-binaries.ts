// The standalone executables (src/build/sea.mjs). `npm test` builds them once before vitest; a test file run on
// its own builds them here when they are missing or older than the bundle they embed. A lock directory keeps
// parallel test files from building at the same time.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export type SeaArch = 'x64' | 'arm64';

export const seaBinary = (arch: SeaArch): string => path.join(repoRoot, 'dist', `kube-residue-linux-${arch}`);
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

function isStale(arch: SeaArch): boolean {
  const bin = seaBinary(arch);
  if (!existsSync(bin)) return true;
  const inputs = ['kube-residue-main.cjs', 'builtin-rules.json'].map((f) => statSync(path.join(repoRoot, 'dist', f)).mtimeMs);
  return statSync(bin).mtimeMs < Math.max(...inputs);
}

export async function ensureSeaBinaries(archs: readonly SeaArch[] = ['x64', 'arm64']): Promise<void> {
  const lock = path.join(repoRoot, 'dist', '.sea-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 10 minutes is a crashed build's.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const stale = archs.filter(isStale);
    if (stale.length === 0) return;
    // @ts-expect-error -- a plain .mjs build script without type declarations
    const { buildSea } = (await import('../../src/build/sea.mjs')) as { buildSea: (o: { archs: SeaArch[]; log: (m: string) => void }) => Promise<string[]> };
    await buildSea({ archs: stale, log: () => {} });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
