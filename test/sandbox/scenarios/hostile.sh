#!/usr/bin/env bash
# Scenario hostile: residue with names built to break a clean-up script, beside the user's near-miss objects.
#   - CNI config files (/etc/cni/net.d/*) named with every shell metacharacter, a newline, ESC, a bidi
#     override, leading dashes, a literal '*', and bytes that are not UTF-8; names that would run a canary
#     (`touch kr-canary...`) if a script ever evaluated them;
#   - /etc/default/k3s-* (a file literally named with a star) beside the user's /etc/default/kube-notes;
#   - an etcd backup directory named "etcd-bad\xff\xfe" (not UTF-8) beside a user FILE named with its U+FFFD
#     spelling (the rule wants directories, so only a lossy decoder would confuse the two);
#   - symlink loops and links to / and /etc under /var/lib/kubelet;
#   - /var/lib/calico beside the user's /var/lib/calico-user and /etc/calico-user.conf;
#   - kube-proxy chains named with quotes and a backslash (jumped to from INPUT) beside the user's MY"CHAIN;
#   - the NodeLocal DNS NOTRACK rule for 169.254.25.10 beside the user's for 169.254.25.101;
#   - a kubespray block in /etc/hosts (the test edits the file between scan and fix);
#   - a process called kubelet in its own PID namespace (a nested node's, not the host's).
# Residue here is not written to planted.tsv (names with newlines would break its lines); the test checks it
# through the scans. User objects are recorded (class user) where their names fit a TSV line.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

nl='
'
esc=$(printf '\033')
rlo=$(printf '\342\200\256')
cni=/etc/cni/net.d
mkdir -p -- "$cni"
# A CNI lock file of the machine running the tests (podman's) shows through the overlay: not this scenario's.
rm -f -- "$cni/cni.lock"
# shellcheck disable=SC2016 # names that would run a command if a script evaluated them, on purpose
for n in '10-a b.conf' '10-$(touch kr-canary-1).conf' '10-`touch kr-canary-2`.conf' "10-it's.conf" '-rf' '--no-preserve-root' \
  "10-new${nl}line.conf" "10-esc${esc}[31m.conf" "10-bidi${rlo}fnoc.sh" '10-*.conf' '10-semi;touch kr-canary-3;.conf' \
  '10-glob[ab]?.conf' '10-{a,b}.conf' '10-~root.conf' '10-#hash.conf' '10-"q".conf' '10-back\slash.conf' '10-|pipe&amp>x.conf'; do
  printf '{"cniVersion":"0.4.0","name":"k8s-pod-network"}\n' >"$cni/$n"
done
printf '{"cniVersion":"0.4.0"}\n' >"$(printf '%s/10-bad\377\376.conflist' "$cni")"

# /etc/default/k3s-* literally; the user's /etc/default/kube-notes is no k3s file.
printf 'K3S_TOKEN=secret\n' >'/etc/default/k3s-*'
KR_CLASS=user kr_file /etc/default/kube-notes <<<'notes of the admin, not a k3s file'

# An etcd backup directory whose name is not UTF-8, and the user's file of the U+FFFD spelling.
backup=$(printf '/var/backups/etcd-bad\377\376')
mkdir -p -- "$backup/member/snap"
printf 'etcd data\n' >"$backup/member/snap/db"
KR_CLASS=user kr_file "/var/backups/etcd-bad$(printf '\357\277\275\357\277\275')" <<<'the user file with the U+FFFD name'
KR_CLASS=user kr_file /var/backups/etcdctl-notes <<<'near miss: not etcd-*'

# Symlink loops and links to / and /etc under /var/lib/kubelet.
mkdir -p /var/lib/kubelet/pods/p1/volumes
ln -s / /var/lib/kubelet/pods/p1/volumes/root-link
ln -s /etc /var/lib/kubelet/etc-link
ln -s loop-a /var/lib/kubelet/loop-b
ln -s loop-b /var/lib/kubelet/loop-a
ln -s ../pods /var/lib/kubelet/pods/p1/up
printf 'state\n' >/var/lib/kubelet/cpu_manager_state

# Calico state beside calico-prefixed user objects.
mkdir -p /var/lib/calico
printf 'node1\n' >/var/lib/calico/nodename
KR_CLASS=user kr_file /var/lib/calico-user/data <<<'user data in a calico-prefixed directory'
KR_CLASS=user kr_file /etc/calico-user.conf <<<'user config with a calico prefix'

# Chains named with quotes and a backslash, and the user's MY"CHAIN.
iptables-nft -w -t filter -N 'KUBE-Q"X'
iptables-nft -w -t filter -A INPUT -j 'KUBE-Q"X'
iptables-nft -w -t filter -N 'KUBE-\Z'
iptables-nft -w -t filter -A INPUT -m comment --comment 'kube "quoted" comment' -j 'KUBE-\Z'
iptables-nft -w -t filter -N 'MY"CHAIN'
iptables-nft -w -t filter -A INPUT -m comment --comment 'user chain' -j 'MY"CHAIN'
KR_CLASS=user kr_record iptables-chain 'ip/nft/filter/MY"CHAIN'

# NodeLocal DNS NOTRACK for 169.254.25.10 (residue) and the user's for 169.254.25.101.
iptables-nft -w -t raw -A PREROUTING -d 169.254.25.10/32 -p udp -m udp --dport 53 -j NOTRACK
iptables-nft -w -t raw -A PREROUTING -d 169.254.25.101/32 -p udp -m udp --dport 53 -j NOTRACK

# A kubespray block in /etc/hosts, between the user's lines.
{
  printf '127.0.0.1 localhost\n192.168.77.5 printer.home printer\n'
  printf '# Ansible inventory hosts BEGIN\n10.0.0.11 node1.cluster.local node1\n# Ansible inventory hosts END\n'
  printf '192.168.77.6 nas.home nas\n'
} >/etc/hosts

# A kubelet in its own PID namespace (as in a kind node): never the host's to end.
mkdir -p /opt/nested
cp /bin/sleep /opt/nested/kubelet
setsid unshare -p -f --kill-child /opt/nested/kubelet 100000 </dev/null >/dev/null 2>&1 &
for _ in $(seq 50); do
  pgrep -x kubelet >/dev/null && break
  sleep 0.1
done
pgrep -x kubelet >/dev/null || kr_die "the nested kubelet did not start"
KR_CLASS=user kr_record process kubelet
