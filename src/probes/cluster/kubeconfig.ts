// Where the cluster's credentials come from, found the way kubectl finds them: --kubeconfig, else every file in
// KUBECONFIG (merged, first one wins), else ~/.kube/config, else the in-cluster service account. Decided here,
// before the client is loaded, because @kubernetes/client-node silently falls back to http://localhost:8080 when
// it finds nothing (fleet-runtime-facts.md §4.1): that must read "no kubeconfig", not "cluster unreachable".
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export type KubeconfigSource =
  | { kind: 'files'; files: string[]; origin: string }
  | { kind: 'in-cluster'; origin: string }
  | { kind: 'none'; reason: string };

export const NO_KUBECONFIG = 'no kubeconfig: cluster rules not run';

export function findKubeconfig(opts: { kubeconfig?: string; env: Readonly<Record<string, string | undefined>>; home?: string; exists?: (p: string) => boolean }): KubeconfigSource {
  const exists = opts.exists ?? existsSync;
  if (opts.kubeconfig !== undefined) {
    return exists(opts.kubeconfig) ? { kind: 'files', files: [opts.kubeconfig], origin: `--kubeconfig ${opts.kubeconfig}` } : { kind: 'none', reason: `--kubeconfig ${opts.kubeconfig}: no such file: cluster rules not run` };
  }
  const list = opts.env.KUBECONFIG;
  if (list !== undefined && list !== '') {
    // kubectl ignores entries that do not exist, and does not look further when KUBECONFIG is set.
    const files = [...new Set(list.split(path.delimiter).filter((f) => f !== '' && exists(f)))];
    return files.length > 0 ? { kind: 'files', files, origin: `KUBECONFIG (${files.join(', ')})` } : { kind: 'none', reason: `${NO_KUBECONFIG} (KUBECONFIG names no existing file)` };
  }
  const home = opts.home ?? opts.env.HOME;
  const own = home ? path.join(home, '.kube', 'config') : undefined;
  if (own && exists(own)) return { kind: 'files', files: [own], origin: own };
  if (opts.env.KUBERNETES_SERVICE_HOST && opts.env.KUBERNETES_SERVICE_PORT && exists(path.join(SERVICE_ACCOUNT_DIR, 'token'))) {
    return { kind: 'in-cluster', origin: `in-cluster service account (${SERVICE_ACCOUNT_DIR})` };
  }
  return { kind: 'none', reason: NO_KUBECONFIG };
}
