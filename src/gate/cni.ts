// Which CNI plugin a file in /etc/cni/net.d belongs to, by the names the plugins' installers give their files
// (10-calico.conflist, 10-flannel.conflist, 05-cilium.conflist, 10-kuberouter.conflist, 00-multus.conf, ...).
// `gate --cni <name>` lets the config of the plugin about to be installed stand (its installer rewrites it);
// config of any other plugin, or of no plugin we know, still blocks: the runtime takes the first file in
// lexical order, so a foreign file would win over the new one.

/** Plugin name as given to --cni → basename patterns of the files its installer writes. */
export const CNI_CONFIG_NAMES: Readonly<Record<string, readonly RegExp[]>> = {
  calico: [/calico/],
  canal: [/canal/, /calico/, /flannel/],
  flannel: [/flannel/],
  cilium: [/cilium/],
  'kube-router': [/kuberouter/, /kube-router/],
  weave: [/weave/],
  multus: [/multus/],
  antrea: [/antrea/],
  'kube-ovn': [/kube-ovn/],
};

export function knownCniPlugins(): string[] {
  return Object.keys(CNI_CONFIG_NAMES);
}

/** True when `path` (a file in /etc/cni/net.d) is config of `plugin`. */
export function isConfigOf(plugin: string, path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return (CNI_CONFIG_NAMES[plugin] ?? []).some((re) => re.test(base));
}
