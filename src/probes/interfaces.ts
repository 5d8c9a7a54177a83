// Interface probe. Not systeminformation's networkInterfaces(): it drops every link that is DOWN or has no
// address — exactly the leftover cali*/tunl0/vxlan.calico links we hunt — has no link kind, and spawns
// thousands of processes on a busy node (ecosystem.md §1.2). One `ip -d -j link show` gives every link with
// its kind; sysfs is the fallback (and the only source under --root, where `ip` would show our own netns).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { InterfaceCheck } from '../model/rule.js';
import { parseIpLinkJson, type LinkInfo } from '../parsers/ip-link.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type Probe } from './probe.js';

function readTrim(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Links from sysfs; the kind comes from uevent DEVTYPE, and veths (which have none) from iflink ≠ ifindex. */
export function linksFromSysfs(sysClassNet: string): LinkInfo[] {
  let names: string[];
  try {
    names = readdirSync(sysClassNet);
  } catch (err) {
    throw new ProbeUnavailable(`cannot read ${sysClassNet}: ${(err as NodeJS.ErrnoException).code ?? ''}`);
  }
  return names.map((name) => {
    const dir = path.join(sysClassNet, name);
    const ifindex = Number(readTrim(path.join(dir, 'ifindex')) ?? 0);
    const iflink = Number(readTrim(path.join(dir, 'iflink')) ?? 0);
    const devtype = /^DEVTYPE=(.*)$/m.exec(readTrim(path.join(dir, 'uevent')) ?? '')?.[1];
    let master: string | undefined;
    try {
      master = path.basename(readlinkSync(path.join(dir, 'master')));
    } catch {
      master = undefined;
    }
    const kind = devtype ?? (iflink !== ifindex && iflink !== 0 ? 'veth' : undefined);
    return { name, ifindex, kind, master, operstate: (readTrim(path.join(dir, 'operstate')) ?? 'unknown').toUpperCase(), flags: [] };
  });
}

export const interfaceProbe: Probe<InterfaceCheck, LinkInfo[]> = {
  id: 'interface',
  async gather(ctx) {
    if (!ctx.onHost) return linksFromSysfs(ctx.hostPathFollow('/sys/class/net'));
    const res = await runTool('ip', ['-d', '-j', 'link', 'show'], ctx.timeoutMs);
    if (res.ok) return parseIpLinkJson(res.stdout);
    return linksFromSysfs('/sys/class/net');
  },
};
