// File-content probe: reads the (small) shared files a rule names — /etc/hosts, resolv.conf, sysctl and
// modules-load files — once each, whatever number of rules look inside them.
import { readFileSync } from 'node:fs';
import type { FileContentCheck } from '../model/rule.js';
import type { ProbeContext } from './context.js';
import { globHostPaths, isGlobPattern } from './paths.js';
import type { Probe } from './probe.js';

/** Files larger than this are not shared config files; they are skipped rather than read whole. */
const MAX_BYTES = 4 * 1024 * 1024;

export interface FileText {
  hostPath: string;
  text?: string;
  /** Why the text is missing although the file exists (too large, unreadable). */
  problem?: string;
}

/** Pattern → the files it names that exist. */
export type FileContentFacts = Map<string, FileText[]>;

function readHostFile(ctx: ProbeContext, hostPath: string): FileText | undefined {
  // A symlinked /etc/resolv.conf is common; follow it (read-only) like any reader of the file would.
  try {
    // Under --root resolved as bytes: a link may lead to a name that is not UTF-8.
    const real = readFileSync(ctx.onHost ? hostPath : ctx.hostPathFollowBytes(Buffer.from(hostPath)));
    if (real.length > MAX_BYTES) return { hostPath, problem: `larger than ${MAX_BYTES} bytes, not read` };
    return { hostPath, text: real.toString('utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    return { hostPath, problem: `cannot read: ${code ?? (err as Error).message}` };
  }
}

export const fileContentProbe: Probe<FileContentCheck, FileContentFacts> = {
  id: 'file-content',
  async gather(ctx, requests) {
    const facts: FileContentFacts = new Map();
    const byPath = new Map<string, FileText | undefined>();
    for (const r of requests) {
      for (const pattern of r.paths) {
        if (facts.has(pattern)) continue;
        const unlisted: string[] = [];
        const paths = isGlobPattern(pattern) ? await globHostPaths(ctx, pattern, 2, unlisted) : [pattern];
        // A directory on the glob's way that could not be listed is a problem of the rule, like an unreadable file.
        // (A match whose name is not valid UTF-8 is one too: it cannot be addressed as text, so it is not read.)
        const files: FileText[] = unlisted.map((u) => {
          const why = u.slice(u.lastIndexOf(': ') + 2);
          return { hostPath: u.slice(0, u.lastIndexOf(': ')), problem: /^E[A-Z]+$/.test(why) ? `cannot list: ${why}` : why };
        });
        for (const p of paths) {
          if (!byPath.has(p)) byPath.set(p, readHostFile(ctx, p));
          const f = byPath.get(p);
          if (f) files.push(f);
        }
        facts.set(pattern, files);
      }
    }
    return facts;
  },
};
