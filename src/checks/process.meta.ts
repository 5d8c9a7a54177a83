// The `process` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./process.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface ProcessCheck {
  kind: 'process';
  /** Globs over /proc/PID/comm (15 chars at most). */
  comm?: string[];
  /** Globs over the basename of /proc/PID/exe. */
  exe?: string[];
  /** A regex over the NUL-joined-with-spaces command line. Every given field must match. */
  cmdline?: string;
  /** Processes whose command line this regex matches never count (`k3s kubectl ...` is not the k3s server). */
  cmdlineExclude?: string;
  /**
   * Only processes of a Kubernetes pod of this host's runtime: cgroup under kubepods / k8s.io, or a descendant
   * of a containerd shim of namespace k8s.io (pause and container processes; they live in the pod's own PID
   * namespace). Without it, processes outside the host's PID namespace never match.
   */
  podMember?: boolean;
}

/** `pidNamespace`: `host`, or `pod` for a process of this host's pod in the pod's own PID namespace. */
export type ProcessFixVars = { target: string; pid: string; comm: string; pidNamespace: 'host' | 'pod' };

export const processKind: KindMeta<'process', ProcessCheck, ProcessFixVars> = {
  kind: 'process',
  doc: {
    fields: '`comm`, `exe`, `cmdline` (regex), `cmdlineExclude`, `podMember`; all given must match; other PID namespaces only as pod processes',
    findingPer: 'process `<comm>[<pid>]`',
  },
  params: { comm: 'optional', exe: 'optional', cmdline: 'optional', cmdlineExclude: 'optional', podMember: 'optional' },
  schema: {
    properties: {
      comm: schemaRef.globList,
      exe: schemaRef.globList,
      cmdline: schemaRef.regex,
      cmdlineExclude: schemaRef.regex,
      podMember: {
        type: 'boolean',
        description: 'Only processes of a Kubernetes pod of this host\'s runtime (cgroup under kubepods or k8s.io, or below a k8s.io containerd shim).',
      },
    },
    minProperties: 2,
  },
  regexFields: ['cmdline', 'cmdlineExclude'],
  fixVars: {
    target: '`<comm>[<pid>]`',
    pid: 'the process id (as the host sees it)',
    comm: 'its command name',
    pidNamespace: '`host`, or `pod` for a pod process in its own PID namespace',
  },
  sarifPrecision: 'medium',
};
