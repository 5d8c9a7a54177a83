// Interface probe. Not systeminformation's networkInterfaces(): it drops every link that is DOWN or has no
// address — exactly the leftover cali*/tunl0/vxlan.calico links we hunt — has no link kind, and spawns
// thousands of processes on a busy node (ecosystem.md §1.2). One `ip -d -j link show` gives every link with
// its kind; sysfs is the fallback (and the only source under --root, where `ip` would show our own netns).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { InterfaceCheck } from '../model/rule.js';
import { parseIpLinkJson, type LinkInfo } from '../parsers/ip-link.js';
import { nameFromBytes } from '../byte-names.js';
import { runTool } from './exec.js';
import { ProbeUnavailable, type Probe } from './probe.js';

function readTrim(file: string | Buffer): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Links from sysfs, names read as bytes (a name that is not valid UTF-8 keeps them); the kind comes from uevent
 * DEVTYPE, and veths (which have none) from iflink ≠ ifindex.
 */
export function linksFromSysfs(sysClassNet: string): LinkInfo[] {
  let names: Buffer[];
  try {
    names = readdirSync(sysClassNet, { encoding: 'buffer' });
  } catch (err) {
    throw new ProbeUnavailable(`cannot read ${sysClassNet}: ${(err as NodeJS.ErrnoException).code ?? ''}`);
  }
  return names.map((raw) => {
    const { text: name, bytes } = nameFromBytes(raw);
    const dir = Buffer.concat([Buffer.from(`${sysClassNet}/`), raw]);
    const at = (f: string): Buffer => Buffer.concat([dir, Buffer.from(`/${f}`)]);
    const ifindex = Number(readTrim(at('ifindex')) ?? 0);
    const iflink = Number(readTrim(at('iflink')) ?? 0);
    const devtype = /^DEVTYPE=(.*)$/m.exec(readTrim(at('uevent')) ?? '')?.[1];
    let master: string | undefined;
    try {
      master = nameFromBytes(Buffer.from(path.basename(readlinkSync(at('master'), { encoding: 'buffer' }).toString('latin1')), 'latin1')).text;
    } catch {
      master = undefined;
    }
    const kind = devtype ?? (iflink !== ifindex && iflink !== 0 ? 'veth' : undefined);
    const link: LinkInfo = { name, ifindex, kind, master, operstate: (readTrim(at('operstate')) ?? 'unknown').toUpperCase(), flags: [] };
    if (bytes) link.nameHex = bytes.toString('hex');
    return link;
  });
}

/**
 * `ip`'s details with the names sysfs gives as bytes, joined by ifindex: a name iproute2 printed lossily
 * (not valid UTF-8) takes its real bytes from sysfs; without a sysfs entry of that index (sysfs of another
 * network namespace) it keeps the text, which the fix plan refuses to act on.
 */
export function withSysfsNames(links: LinkInfo[], sysfs: readonly LinkInfo[]): LinkInfo[] {
  const byIndex = new Map(sysfs.map((l) => [l.ifindex, l]));
  return links.map((l) => {
    const s = byIndex.get(l.ifindex);
    if (!s?.nameHex || !l.name.includes('\ufffd')) return l;
    return { ...l, name: s.name, nameHex: s.nameHex };
  });
}

export const interfaceProbe: Probe<InterfaceCheck, LinkInfo[]> = {
  id: 'interface',
  async gather(ctx) {
    if (!ctx.onHost) return linksFromSysfs(ctx.hostPathFollow('/sys/class/net'));
    const res = await runTool('ip', ['-d', '-j', 'link', 'show'], ctx.timeoutMs);
    if (!res.ok) return linksFromSysfs('/sys/class/net');
    const links = parseIpLinkJson(res.stdout);
    if (!links.some((l) => l.name.includes('\ufffd'))) return links;
    let sysfs: LinkInfo[] = [];
    try {
      sysfs = linksFromSysfs('/sys/class/net');
    } catch {
      sysfs = [];
    }
    return withSysfsNames(links, sysfs);
  },
};
