#!/usr/bin/env bash
# Bench scenario "huge": the state a node that ran a thousand pods leaves behind, times KR_BENCH_SCALE
# (default 1). At scale 1:
#   - 100,000 entries under /var/log/pods and /var/log/containers: 10,000 pod dirs × 2 containers × 4 log
#     files (80,000 files) plus 20,000 kubelet-style symlinks in /var/log/containers;
#   - 2,000 links: 700 cali<11hex> veth pairs, 200 veth<8hex> pairs enslaved to cni0, 98 lxc<hex> pairs
#     (the pod ends stay in this netns as pod<N>), plus cni0, kube-ipvs0 (bridge), flannel.1, vxlan.calico;
#   - 5,000 iptables chains with 50,000 rules across both backends (ipv4/nft 2,400 chains, ipv6/nft 1,000,
#     ipv4/legacy 1,000, ipv6/legacy 600): kube-proxy service chains and Calico workload and policy chains,
#     from bench/lib/gen-iptables.mjs, loaded with one iptables-restore per family and backend;
#   - 500 tmpfs mounts under /var/lib/kubelet/pods (250 pods × projected + secret volume).
# Only the few named items go through plant.sh's recorded helpers: recording 100,000 paths one `kr_record`
# at a time would take minutes. Everything is written inside the sandbox (overlays, its netns).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../../test/sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"

scale=${KR_BENCH_SCALE:-1}
[[ $scale =~ ^[1-9][0-9]*$ ]] || kr_die "KR_BENCH_SCALE must be a positive integer, not '$scale'"
bench_lib=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../lib" 2>/dev/null && pwd -P || true)
# sandbox.sh copies extra scenario files into its work dir: then the helpers are found through KR_BENCH_LIB.
[[ -f ${bench_lib:-}/gen-iptables.mjs ]] || bench_lib=${KR_BENCH_LIB:?KR_BENCH_LIB not set (bench/run.mjs sets it)}

# --- container logs (one node process; recorded as the two directories)
kr_check_path /var/log/pods/x
kr_check_path /var/log/containers/x
t0=$(date +%s%N)
node "$bench_lib/plant-logs.mjs" $((10000 * scale))
kr_record path /var/log/pods
kr_record path /var/log/containers
kr_log "logs: $((100000 * scale)) entries in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# --- links (one `ip -batch` per step)
t0=$(date +%s%N)
batch=$(mktemp)
# The typical scenarios may have made some of these already.
[[ -e /sys/class/net/cni0 ]] || echo "link add cni0 type bridge" >>"$batch"
[[ -e /sys/class/net/kube-ipvs0 ]] || echo "link add kube-ipvs0 type bridge" >>"$batch"
[[ -e /sys/class/net/flannel.1 ]] || echo "link add flannel.1 type vxlan id 1 dstport 8472 nolearning" >>"$batch"
[[ -e /sys/class/net/vxlan.calico ]] || echo "link add vxlan.calico type vxlan id 4096 dstport 4789 nolearning" >>"$batch"
n=0
for ((i = 0; i < 700 * scale; i++)); do
  printf 'link add cali%011x type veth peer name pod%d\n' $((0x1000000 + i)) $((n++))
done >>"$batch"
for ((i = 0; i < 200 * scale; i++)); do
  printf 'link add veth%08x type veth peer name pod%d\n' $((0x10000000 + i)) $((n++))
done >>"$batch"
for ((i = 0; i < 98 * scale; i++)); do
  printf 'link add lxc%012x type veth peer name pod%d\n' $((0x100000 + i)) $((n++))
done >>"$batch"
ip -batch "$batch"
for ((i = 0; i < 200 * scale; i++)); do
  printf 'link set veth%08x master cni0\n' $((0x10000000 + i))
done >"$batch"
ip -batch "$batch"
rm -f -- "$batch"
kr_log "links: $(ls /sys/class/net | wc -l) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# --- iptables (one restore per family and backend)
t0=$(date +%s%N)
plant_rules() {
  local backend=$1 family=$2 chains=$3 cmd table chain
  cmd=iptables-$backend
  [[ $family == ipv6 ]] && cmd=ip6tables-$backend
  # The shared chains the generated ones hang from, where the typical scenarios did not make them already.
  while read -r table chain; do
    "$cmd" -t "$table" -n -L "$chain" >/dev/null 2>&1 || "$cmd" -t "$table" -N "$chain"
  done < <(node "$bench_lib/gen-iptables.mjs" --base)
  node "$bench_lib/gen-iptables.mjs" "$family" $((chains * scale)) "huge/$backend" | "$cmd-restore" --noflush
}
plant_rules nft ipv4 2400
plant_rules nft ipv6 1000
plant_rules legacy ipv4 1000
plant_rules legacy ipv6 600
kr_log "iptables: $(( $(iptables-nft-save | grep -c '^-A') + $(ip6tables-nft-save | grep -c '^-A') + $(iptables-legacy-save | grep -c '^-A') + $(ip6tables-legacy-save | grep -c '^-A') )) rules in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# --- kubelet volume mounts
t0=$(date +%s%N)
kr_check_path /var/lib/kubelet/pods/x
for ((p = 0; p < 250 * scale; p++)); do
  uid=$(printf '%08x-0000-4000-a000-%012x' "$p" "$p")
  base=/var/lib/kubelet/pods/$uid/volumes
  mkdir -p "$base/kubernetes.io~projected/kube-api-access-$((p % 100000))" "$base/kubernetes.io~secret/token-$p"
  mount -t tmpfs -o size=1m tmpfs "$base/kubernetes.io~projected/kube-api-access-$((p % 100000))"
  mount -t tmpfs -o size=1m tmpfs "$base/kubernetes.io~secret/token-$p"
done
kr_record mount /var/lib/kubelet/pods
kr_log "mounts: $(wc -l </proc/self/mountinfo) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# Write the planted files out now, so that the kernel's background writeback of them does not run during the
# measurements (it is the host's page cache: the overlay upper dirs live in the sandbox work dir).
sync
