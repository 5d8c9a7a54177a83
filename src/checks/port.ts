import { portKind, type PortFixVars } from './port.meta.js';
import { portProbe, type Listener, type SocketOwner } from '../probes/ports.js';
import { POD_CGROUP } from './process.js';

/**
 * Processes that hold a published port for another container engine: Docker's docker-proxy, Podman's conmon
 * and rootless port forwarders. A port only they hold is that engine's, never Kubernetes residue.
 */
const ENGINE_PORT_HOLDERS = new Set(['docker-proxy', 'conmon', 'rootlessport', 'rootlessport-ch', 'slirp4netns', 'pasta', 'pasta.avx2']);

/** Held for another engine, or by a process of another PID namespace that is no pod of this host. */
function foreignOwner(o: SocketOwner): boolean {
  return ENGINE_PORT_HOLDERS.has(o.comm) || (o.pidNamespace === 'other' && !(o.cgroups ?? []).some((c) => POD_CGROUP.test(c)));
}
import type { CheckDefinition, RawFinding } from './check.js';
import { globMatcher } from './check.js';

export const portCheck: CheckDefinition<'port', Listener[], PortFixVars> = {
  ...portKind,
  probe: portProbe,
  match(check, listeners) {
    const protocols = check.protocols ?? ['tcp', 'udp'];
    const address = globMatcher(check.addresses);
    const grouped = new Map<string, Listener[]>();
    for (const l of listeners) {
      if (!check.ports.includes(l.localPort) || !protocols.includes(l.protocol)) continue;
      if (address && !address(l.localAddress)) continue;
      if (l.owners.length > 0 && l.owners.every(foreignOwner)) continue;
      const key = `${l.protocol}/${l.localPort}`;
      grouped.set(key, [...(grouped.get(key) ?? []), l]);
    }
    const findings: RawFinding<PortFixVars>[] = [...grouped].map(([key, ls]) => {
      const owners = [...new Map(ls.flatMap((l) => l.owners).map((o) => [o.pid, o])).values()].sort((a, b) => a.pid - b.pid);
      const addrs = [...new Set(ls.map((l) => (l.family === 'ipv6' ? `[${l.localAddress}]` : l.localAddress)))].join(', ');
      const who = owners.length > 0 ? `held by ${owners.map((o) => `${o.comm}[${o.pid}]`).join(', ')}` : 'no owning process visible (kernel socket or another user)';
      return {
        target: key,
        evidence: `listening on ${addrs}; ${who}`,
        vars: { target: key, port: key.split('/')[1] ?? '', protocol: ls[0]?.protocol ?? 'tcp', pids: owners.map((o) => String(o.pid)) },
      };
    });
    return { findings };
  },
};
