// The `container` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./container.ts.
import { schemaRef, type KindMeta } from './kind.js';

/**
 * Kubernetes pods and containers known to the container runtime, read from its own state: containerd's task
 * bundles (`<state>/io.containerd.runtime.v2.task/k8s.io/<id>/config.json` and `init.pid`) and CRI-O's
 * (`/run/containers/storage/overlay-containers/<id>/userdata`), plus containerd's metadata through `ctr` (with
 * connect and call timeouts), or from its database file when containerd does not answer, for stopped containers
 * and images. Only CRI containers count: containerd's `k8s.io` namespace and CRI-O's; Docker's `moby`, `default`
 * and podman's never.
 */
export interface ContainerCheck {
  kind: 'container';
  /** pod: one finding per pod with live containers; stopped: containers and sandboxes present but not running; image: images in the CRI namespace. */
  object: 'pod' | 'stopped' | 'image';
  /** Globs over a container's name (kube-apiserver): a pod counts when one of its containers matches. */
  containers?: string[];
  /** Globs over the pod name (calico-node-*). With containers as well, either may match. */
  pods?: string[];
  /** Globs over the pod namespace. */
  podNamespaces?: string[];
  /** Globs over image names (`image` rules, and pods whose containers run a matching image). */
  images?: string[];
}

/** Pod findings carry the pod's fields, image findings `image`; both the runtime's address and namespace. */
export type ContainerFixVars = {
  target: string;
  runtime: string;
  address: string;
  namespace: string;
  /** Pod findings: `running` (tasks alive) or `stopped` (only in the runtime's records). */
  state?: string;
  pod?: string;
  podNamespace?: string;
  sandboxId?: string;
  ids?: string[];
  shimPids?: string[];
  image?: string;
};

export const containerKind: KindMeta<'container', ContainerCheck, ContainerFixVars> = {
  kind: 'container',
  doc: {
    fields:
      "`object` pod/stopped/image, `containers`, `pods`, `podNamespaces`, `images` (containerd's task bundles of namespace k8s.io and CRI-O's containers, read from disk; `ctr` with connect and call timeouts for stopped containers and images, or containerd's metadata database file when containerd does not answer)",
    findingPer: 'pod `pod/<namespace>/<name>`, or image `image/<ref>`',
  },
  params: { object: 'required', containers: 'optional', pods: 'optional', podNamespaces: 'optional', images: 'optional' },
  schema: {
    properties: {
      object: { enum: ['pod', 'stopped', 'image'] },
      containers: schemaRef.globList,
      pods: schemaRef.globList,
      podNamespaces: schemaRef.globList,
      images: schemaRef.globList,
    },
  },
  regexFields: [],
  fixVars: {
    target: '`pod/<namespace>/<name>` or `image/<ref>`',
    runtime: '`containerd` or `cri-o`',
    address: "containerd's socket",
    namespace: 'the containerd namespace (k8s.io)',
    state: '`running` (a pod with live tasks) or `stopped` (containers only in the runtime\'s records)',
    pod: 'the pod name',
    podNamespace: 'the pod namespace',
    sandboxId: 'the pod sandbox id (crictl stopp/rmp)',
    ids: 'every container id of the pod, the sandbox last',
    shimPids: "the pod's shims, in the host's PID namespace",
    image: 'the image reference (image findings)',
  },
  sarifPrecision: 'very-high',
  // May run ctr: started right after the other tool-spawning probes.
  startOrder: 2,
};
