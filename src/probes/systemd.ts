// systemd probe: unit files, drop-in dirs, *.wants/*.requires links (dangling ones too) and transient units,
// read from every unit directory with one readdir each; plus load/active/enabled state from one
// `systemctl show` when systemd is PID 1. Not systeminformation's services(): it greps `ps` and reports a
// `tail -F /var/lib/kubelet/kubelet.log` as a running kubelet (ecosystem.md §1.2).
import { isUtf8 } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, readlinkSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { globsMatcher } from '../glob.js';
import type { SystemdUnitCheck } from '../model/rule.js';
import type { ProbeContext } from './context.js';
import { runTool } from './exec.js';
import { absentOrUnavailable } from './fs-errors.js';
import type { Probe } from './probe.js';

export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/run/systemd/transient',
  '/run/systemd/generator',
  '/run/systemd/generator.late',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
] as const;

export interface UnitFileRef {
  path: string;
  role: 'unit' | 'drop-in' | 'wants-link' | 'env-file';
  transient: boolean;
  dangling?: boolean;
}

export interface UnitFacts {
  units: Map<string, UnitFileRef[]>;
  /** Unit name → `ActiveState/UnitFileState`, when systemd could be asked. */
  state: Map<string, { active: string; enabled: string }>;
  /** Why state is missing (systemd not PID 1, --root), shown as a note. */
  stateNote?: string;
}

function readDir(dir: string): Dirent[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    absentOrUnavailable(dir, err);
    return [];
  }
  // Names come decoded as UTF-8, lossily: a name that is not UTF-8 would read as its U+FFFD look-alike (another
  // file, removed in its place). systemd loads no such file as a unit (unit names are ASCII), so they are left
  // out; only a directory holding a U+FFFD is read again as bytes to tell them apart.
  if (!entries.some((e) => e.name.includes('\ufffd'))) return entries;
  const real = new Set(readdirSync(dir, { encoding: 'buffer' }).filter((n) => isUtf8(n)).map((n) => n.toString('utf8')));
  return entries.filter((e) => real.has(e.name));
}

/** Resolves a link as the scanned host would (an absolute target lies under --root, not on this machine). */
function linkTargetExists(ctx: ProbeContext, linkHostPath: string): boolean {
  try {
    const target = readlinkSync(ctx.hostPath(linkHostPath));
    const abs = path.posix.isAbsolute(target) ? target : path.posix.join(path.posix.dirname(linkHostPath), target);
    return existsSync(ctx.hostPathFollow(abs));
  } catch {
    return true;
  }
}

function systemdIsPid1(ctx: ProbeContext): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd' && existsSync('/run/systemd/system') && ctx.onHost;
  } catch {
    return false;
  }
}

export const systemdProbe: Probe<SystemdUnitCheck, UnitFacts> = {
  id: 'systemd-unit',
  async gather(ctx, requests) {
    const isWanted = globsMatcher(requests.flatMap((r) => r.units));
    const units = new Map<string, UnitFileRef[]>();
    const add = (name: string, ref: UnitFileRef): void => {
      const list = units.get(name) ?? [];
      if (!list.some((r) => r.path === ref.path)) list.push(ref);
      units.set(name, list);
    };
    const seenDirs = new Set<string>();
    for (const dir of UNIT_DIRS) {
      const real = ctx.hostPathFollow(dir);
      if (seenDirs.has(real)) continue;
      seenDirs.add(real);
      const transient = dir === '/run/systemd/transient';
      // A unit directory holds hundreds of entries: plain string work per entry, no path.join (which normalizes).
      for (const ent of readDir(real)) {
        const name = ent.name;
        const hostFile = `${dir}/${name}`;
        if ((name.endsWith('.wants') || name.endsWith('.requires') || name.endsWith('.upholds')) && ent.isDirectory()) {
          for (const link of readDir(path.join(real, name))) {
            if (!isWanted(link.name)) continue;
            const linkPath = `${hostFile}/${link.name}`;
            const dangling = link.isSymbolicLink() && !linkTargetExists(ctx, linkPath);
            add(link.name, { path: linkPath, role: 'wants-link', transient, dangling });
          }
        } else if (name.endsWith('.d') && ent.isDirectory()) {
          const unit = name.slice(0, -2);
          if (isWanted(unit)) add(unit, { path: hostFile, role: 'drop-in', transient });
        } else if (isWanted(name)) {
          add(name, { path: hostFile, role: 'unit', transient });
        }
      }
    }
    const facts: UnitFacts = { units, state: new Map() };
    if (!ctx.onHost) {
      facts.stateNote = 'unit state not read: --root scans files only';
    } else if (!systemdIsPid1(ctx)) {
      facts.stateNote = 'systemd is not PID 1 here: unit files were checked, unit state was not';
    } else if (units.size > 0) {
      const names = [...units.keys()].sort();
      const res = await runTool('systemctl', ['show', '--property=Id,ActiveState,UnitFileState', '--', ...names], ctx.timeoutMs);
      if (res.ok) {
        for (const block of res.stdout.split('\n\n')) {
          const props = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
          if (props.Id) facts.state.set(props.Id, { active: props.ActiveState ?? '', enabled: props.UnitFileState ?? '' });
        }
      } else {
        facts.stateNote = `unit state not read: ${res.reason ?? 'systemctl failed'}`;
      }
    }
    return facts;
  },
};
