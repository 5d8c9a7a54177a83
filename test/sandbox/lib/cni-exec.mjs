// Runs a CNI network configuration list the way a container runtime does (libcni, used by containerd's CRI
// plugin and podman): each plugin binary from CNI_PATH with CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME,
// CNI_ARGS and CNI_PATH in its environment and its own configuration on stdin (the list's name and cniVersion
// added, runtimeConfig for the capabilities it declares, prevResult chained), in order on ADD and in reverse on
// DEL; writes and removes libcni's result cache (/var/lib/cni/results/<network>-<id>-<ifname>).
//
//   node cni-exec.mjs ADD|DEL|CHECK CONFLIST CONTAINERID NETNS IFNAME [PORTMAPPINGS_JSON]
//
// Environment: CNI_PATH (default /usr/lib/cni), KR_CNI_ARGS (CNI_ARGS), KR_CNI_TIMEOUT_MS (per plugin, 60 s).
// Prints the final result (ADD) on stdout; exits 1 with the plugin's error on stderr when a plugin fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const [command, conflistPath, containerId, netns, ifName, portsArg] = process.argv.slice(2);
if (!['ADD', 'DEL', 'CHECK'].includes(command ?? '') || !conflistPath || !containerId || !netns || !ifName) {
  process.stderr.write('usage: cni-exec.mjs ADD|DEL|CHECK CONFLIST CONTAINERID NETNS IFNAME [PORTMAPPINGS_JSON]\n');
  process.exit(2);
}
const cniPath = process.env.CNI_PATH ?? '/usr/lib/cni';
const timeout = Number(process.env.KR_CNI_TIMEOUT_MS ?? 60_000);
const raw = readFileSync(conflistPath);
const list = JSON.parse(raw.toString('utf8'));
const portMappings = JSON.parse(portsArg ?? '[]');
const cacheDir = '/var/lib/cni/results';
const cacheFile = `${cacheDir}/${list.name}-${containerId}-${ifName}`;

let prevResult;
if (command !== 'ADD') {
  try {
    prevResult = JSON.parse(readFileSync(cacheFile, 'utf8')).result;
  } catch {
    prevResult = undefined;
  }
}
const plugins = command === 'DEL' ? [...list.plugins].reverse() : list.plugins;
for (const plugin of plugins) {
  const conf = { cniVersion: list.cniVersion, name: list.name, ...plugin };
  if (conf.capabilities?.portMappings) conf.runtimeConfig = { portMappings };
  delete conf.capabilities;
  if (prevResult !== undefined) conf.prevResult = prevResult;
  const r = spawnSync(`${cniPath}/${plugin.type}`, [], {
    input: JSON.stringify(conf),
    encoding: 'utf8',
    timeout,
    env: {
      ...process.env,
      CNI_COMMAND: command,
      CNI_CONTAINERID: containerId,
      CNI_NETNS: netns,
      CNI_IFNAME: ifName,
      CNI_ARGS: process.env.KR_CNI_ARGS ?? '',
      CNI_PATH: cniPath,
    },
  });
  if (r.status !== 0) {
    process.stderr.write(`CNI ${command} ${plugin.type} failed (${r.error?.message ?? `status ${r.status}`}): ${r.stdout}${r.stderr}\n`);
    process.exit(1);
  }
  if (command === 'ADD') prevResult = JSON.parse(r.stdout);
}
if (command === 'ADD') {
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    cacheFile,
    JSON.stringify({
      kind: 'cniCacheV1',
      containerId,
      config: raw.toString('base64'),
      ifName,
      networkName: list.name,
      capabilityArgs: { portMappings },
      result: prevResult,
    }),
  );
  process.stdout.write(`${JSON.stringify(prevResult)}\n`);
} else if (command === 'DEL') {
  rmSync(cacheFile, { force: true });
}
