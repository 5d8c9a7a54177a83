#!/usr/bin/env node
// Writes container logs the way the kubelet lays them out, for PODS pods with two containers each:
//   /var/log/pods/<ns>_<pod>_<uid>/<container>/{0.log,1.log,0.log.<date>.gz,1.log.<date>}   (8 files a pod)
//   /var/log/containers/<pod>_<ns>_<container>-<64 hex>.log -> the current log                (2 links a pod)
// i.e. 10 entries a pod. Run only by bench/scenarios/huge.sh, inside the sandbox (it refuses otherwise).
//
//   node plant-logs.mjs PODS
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';

if (process.env.KR_SANDBOX !== '1' || readFileSync('/proc/sys/kernel/hostname', 'utf8').trim() !== 'kr-sandbox') {
  process.stderr.write('plant-logs.mjs: refusing to write outside the kr-sandbox\n');
  process.exit(1);
}
const pods = Number(process.argv[2] ?? '10000');
const sha = (s) => createHash('sha256').update(s).digest('hex');
const line = '2024-01-01T00:00:00.000000000Z stdout F request served in 3ms\n';
mkdirSync('/var/log/pods', { recursive: true });
mkdirSync('/var/log/containers', { recursive: true });
for (let p = 0; p < pods; p++) {
  const h = sha(`huge/pod/${p}`);
  const uid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  const ns = `ns-${p % 97}`;
  const pod = `app-${p}-${h.slice(32, 37)}`;
  const dir = `/var/log/pods/${ns}_${pod}_${uid}`;
  for (const c of ['app', 'sidecar']) {
    mkdirSync(`${dir}/${c}`, { recursive: true });
    for (const f of ['0.log', '1.log', '0.log.20240101-000000.gz', '1.log.20240101-010000']) writeFileSync(`${dir}/${c}/${f}`, line);
    symlinkSync(`${dir}/${c}/1.log`, `/var/log/containers/${pod}_${ns}_${c}-${sha(`huge/ctr/${p}/${c}`)}.log`);
  }
}
