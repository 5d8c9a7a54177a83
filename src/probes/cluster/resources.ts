// Resource names as rules write them (kubectl's: a plural, or `<plural>.<group>`) → API group and kind. The
// built-in resources rules use are listed here, so a live scan needs discovery only for their group's version
// and a dump can be read without any discovery at all; custom resources are found through their CRDs.

export interface ResourceRef {
  plural: string;
  /** '' for the core group. */
  group: string;
  /** Known for built-in resources; for custom ones from the CRD. */
  kind?: string;
}

const BUILTIN: Record<string, { group: string; kind: string }> = {
  namespaces: { group: '', kind: 'Namespace' },
  nodes: { group: '', kind: 'Node' },
  secrets: { group: '', kind: 'Secret' },
  services: { group: '', kind: 'Service' },
  serviceaccounts: { group: '', kind: 'ServiceAccount' },
  configmaps: { group: '', kind: 'ConfigMap' },
  pods: { group: '', kind: 'Pod' },
  persistentvolumes: { group: '', kind: 'PersistentVolume' },
  customresourcedefinitions: { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  clusterroles: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  rolebindings: { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  roles: { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  validatingwebhookconfigurations: { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  mutatingwebhookconfigurations: { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  apiservices: { group: 'apiregistration.k8s.io', kind: 'APIService' },
  volumeattachments: { group: 'storage.k8s.io', kind: 'VolumeAttachment' },
  daemonsets: { group: 'apps', kind: 'DaemonSet' },
  deployments: { group: 'apps', kind: 'Deployment' },
  statefulsets: { group: 'apps', kind: 'StatefulSet' },
  jobs: { group: 'batch', kind: 'Job' },
};

export function resolveResource(resource: string): ResourceRef {
  const dot = resource.indexOf('.');
  if (dot === -1) {
    const b = BUILTIN[resource];
    return b ? { plural: resource, group: b.group, kind: b.kind } : { plural: resource, group: '' };
  }
  const plural = resource.slice(0, dot);
  const group = resource.slice(dot + 1);
  const b = BUILTIN[plural];
  return b && b.group === group ? { plural, group, kind: b.kind } : { plural, group };
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** `kubectl get <this>` for a finding's fix: the plural, with its group unless it is core or well known. */
export function kubectlResourceName(ref: ResourceRef): string {
  return ref.group === '' || BUILTIN[ref.plural]?.group === ref.group ? ref.plural : `${ref.plural}.${ref.group}`;
}
