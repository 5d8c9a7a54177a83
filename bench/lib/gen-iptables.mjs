#!/usr/bin/env node
// Prints iptables-restore input (for --noflush) shaped like a busy node's kube-proxy (iptables mode) and
// Calico rules. Each "unit" is one service with four endpoints — KUBE-SVC-* and four KUBE-SEP-* chains in
// nat, 14 rules, as kube-proxy writes them — and one Calico workload with a policy — cali-fw-*, cali-tw-*
// and cali-pi-* chains in filter, 67 rules: 8 chains and 81 rules, so chains ≈ CHAINS and rules ≈ 10×.
//
//   node gen-iptables.mjs ipv4|ipv6 CHAINS SEED
//
// Only the unit chains are declared: the shared ones they hang from (KUBE-SERVICES, cali-from-wl-dispatch...)
// must exist already (`--base` prints the `-N` commands for them), so loading this next to a scenario's own
// KUBE-*/cali-* chains does not flush those. Names come from SEED through sha256: same arguments, same rules.
import { createHash } from 'node:crypto';

const args = process.argv.slice(2);
if (args[0] === '--base') {
  // table chain, one per line, for the planting script to create where missing
  process.stdout.write(
    ['nat KUBE-SERVICES', 'nat KUBE-MARK-MASQ', 'nat KUBE-POSTROUTING', 'filter cali-FORWARD', 'filter cali-from-wl-dispatch', 'filter cali-to-wl-dispatch'].join('\n') + '\n',
  );
  process.exit(0);
}
const [family = 'ipv4', chainsArg = '1000', seed = 'bench'] = args;
const v6 = family === 'ipv6';
const units = Math.max(1, Math.round(Number(chainsArg) / 8));
const ENDPOINTS = 4;

const digest = (s) => createHash('sha256').update(`${seed}/${s}`).digest();
// kube-proxy: base32 of a sha256, first 16 characters
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const b32 = (s) => [...digest(s).subarray(0, 16)].map((b) => B32[b & 31]).join('');
// Calico: "cali:" + 16 url-safe base64 characters
const cali = (s) => digest(s).toString('base64url').slice(0, 16);
const hex = (s, n) => digest(s).toString('hex').slice(0, n);
const svcIp = (u) => (v6 ? `fd00:10:96::${(u + 1).toString(16)}` : `10.${96 + ((u + 1) >> 16)}.${((u + 1) >> 8) & 255}.${(u + 1) & 255}`);
const podIp = (u, e) => (v6 ? `fd00:10:244::${u.toString(16)}:${(e + 2).toString(16)}` : `10.${200 + (u >> 14)}.${(u >> 6) & 255}.${((u & 63) << 2) + e}`);
const host = v6 ? '128' : '32';
const hostPort = (ip, port) => (v6 ? `[${ip}]:${port}` : `${ip}:${port}`);

const natChains = [];
const nat = [];
const filterChains = [];
const filter = [];
for (let u = 0; u < units; u++) {
  const ns = `ns-${u % 97}`;
  const svcName = `${ns}/svc-${u}:http`;
  const svc = `KUBE-SVC-${b32(`svc/${u}`)}`;
  natChains.push(`:${svc} - [0:0]`);
  nat.push(`-A KUBE-SERVICES -d ${svcIp(u)}/${host} -p tcp -m comment --comment "${svcName} cluster IP" -m tcp --dport 80 -j ${svc}`);
  nat.push(`-A ${svc} ! -s ${v6 ? 'fd00:10:244::/64' : '10.200.0.0/14'} -d ${svcIp(u)}/${host} -p tcp -m comment --comment "${svcName} cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`);
  for (let e = 0; e < ENDPOINTS; e++) {
    const sep = `KUBE-SEP-${b32(`sep/${u}/${e}`)}`;
    const ip = podIp(u, e);
    natChains.push(`:${sep} - [0:0]`);
    const left = ENDPOINTS - e;
    const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(11)}` : '';
    nat.push(`-A ${svc} -m comment --comment "${svcName} -> ${hostPort(ip, 8080)}"${stat} -j ${sep}`);
    nat.push(`-A ${sep} -s ${ip}/${host} -m comment --comment "${svcName}" -j KUBE-MARK-MASQ`);
    nat.push(`-A ${sep} -p tcp -m comment --comment "${svcName}" -m tcp -j DNAT --to-destination ${hostPort(ip, 8080)}`);
  }

  const iface = `cali${hex(`if/${u}`, 11)}`;
  const fw = `cali-fw-${iface}`;
  const tw = `cali-tw-${iface}`;
  const pi = `cali-pi-_${cali(`policy/${u}`).slice(0, 19)}`;
  filterChains.push(`:${fw} - [0:0]`, `:${tw} - [0:0]`, `:${pi} - [0:0]`);
  const c = (k) => `-m comment --comment "cali:${cali(`${u}/${k}`)}"`;
  filter.push(`-A cali-from-wl-dispatch -i ${iface} ${c('d1')} -g ${fw}`);
  filter.push(`-A cali-to-wl-dispatch -o ${iface} ${c('d2')} -g ${tw}`);
  for (const [chain, dir] of [
    [fw, 'fw'],
    [tw, 'tw'],
  ]) {
    filter.push(`-A ${chain} -m conntrack --ctstate RELATED,ESTABLISHED ${c(`${dir}1`)} -j ACCEPT`);
    filter.push(`-A ${chain} -m conntrack --ctstate INVALID ${c(`${dir}2`)} -j DROP`);
    filter.push(`-A ${chain} ${c(`${dir}3`)} -j MARK --set-xmark 0x0/0x10000`);
    filter.push(`-A ${chain} -p udp -m udp --dport 4789 ${c(`${dir}4`)} -j DROP`);
    if (dir === 'tw') filter.push(`-A ${chain} -m mark --mark 0x0/0x20000 ${c(`${dir}5`)} -j ${pi}`);
    else filter.push(`-A ${chain} -m mark --mark 0x0/0x20000 ${c(`${dir}5`)} -j MARK --set-xmark 0x20000/0x20000`);
    for (let k = 0; k < 14; k++) {
      filter.push(`-A ${chain} -s ${podIp((u + k + 1) % units, k % ENDPOINTS)}/${host} -p tcp -m tcp --dport ${8000 + k} ${c(`${dir}r${k}`)} -j ACCEPT`);
    }
    filter.push(`-A ${chain} ${c(`${dir}6`)} -j DROP`);
  }
  for (let k = 0; k < 24; k++) {
    filter.push(`-A ${pi} -p tcp -m tcp --dport ${9000 + k} -s ${podIp((u * 7 + k) % units, k % ENDPOINTS)}/${host} ${c(`p${k}`)} -j MARK --set-xmark 0x10000/0x10000`);
  }
  filter.push(`-A ${pi} -m mark --mark 0x10000/0x10000 ${c('pr')} -j RETURN`);
}
process.stdout.write(['*nat', ...natChains, ...nat, 'COMMIT', '*filter', ...filterChains, ...filter, 'COMMIT', ''].join('\n'));
