// Hardware and virtualisation facts for the audit export (`scan --audit`), from systeminformation's system()
// and osInfo(). They cost a few hundred milliseconds and a score of child processes, so the library is loaded
// here, inside the function, and only for --audit: a plain scan never loads it (test/audit/lazy-load.test.ts).
// In the bundle it is its own file (dist/systeminformation.cjs, built by src/build/build.mjs), required by path.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AuditTrail } from '../model/result.js';
import { compiledRulesFile, isBundled } from '../package-location.js';
import { seaCommonJsAsset } from '../sea.js';

type Systeminformation = typeof import('systeminformation');

/** dist/'s file of systeminformation; in a standalone executable (src/build/sea.mjs) an asset of that name. */
export const SYSTEMINFORMATION_CHUNK = 'systeminformation.cjs';

async function loadSysteminformation(): Promise<Systeminformation> {
  if (isBundled) {
    const embedded = seaCommonJsAsset(SYSTEMINFORMATION_CHUNK);
    if (embedded !== undefined) return embedded as Systeminformation;
    const file = path.join(path.dirname(compiledRulesFile), SYSTEMINFORMATION_CHUNK);
    return createRequire(file)(file) as Systeminformation;
  }
  return import('systeminformation');
}

export type HardwareFacts = Pick<AuditTrail, 'hardware' | 'osInfo'>;

export async function hardwareFacts(): Promise<HardwareFacts> {
  const si = await loadSysteminformation();
  const [sys, os] = await Promise.all([si.system(), si.osInfo()]);
  return {
    hardware: {
      manufacturer: sys.manufacturer,
      model: sys.model,
      serial: sys.serial,
      uuid: sys.uuid,
      virtual: sys.virtual,
      ...(sys.virtualHost ? { virtualHost: sys.virtualHost } : {}),
    },
    osInfo: {
      platform: os.platform,
      distro: os.distro,
      release: os.release,
      codename: os.codename,
      kernel: os.kernel,
      arch: os.arch,
      hostname: os.hostname,
      fqdn: os.fqdn,
      uefi: os.uefi,
    },
  };
}
