#!/usr/bin/env bash
# Scans nodes with one kube-residue Job each (job.yaml), collects each JSON report and merges them into one fleet
# report. Needs kubectl (cluster-admin: it creates a namespace and Jobs) and the kube-residue binary or CLI for
# the merge.
#
#   deploy/kubernetes/scan-nodes.sh IMAGE OUT_DIR [NODE...]      (default: every node)
#   KUBE_RESIDUE=kube-residue  KUBECTL=kubectl  TIMEOUT=360
#
# Writes OUT_DIR/<node>.json per node and OUT_DIR/fleet.{json,md,html}; exit status is merge's (0 all clean,
# 1 residue somewhere, 3 some node not fully checked or without a report).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 IMAGE OUT_DIR [NODE...]" >&2; exit 2; }
image=$1 out=$2
shift 2
kubectl=${KUBECTL:-kubectl}
kr=${KUBE_RESIDUE:-kube-residue}
timeout=${TIMEOUT:-360}
mkdir -p "$out"
if [ $# -gt 0 ]; then nodes=("$@"); else mapfile -t nodes < <($kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'); fi

$kubectl apply -f "$here/namespace.yaml" >/dev/null
job_name() { printf 'kube-residue-%s' "$(printf '%s' "$1" | sha256sum | cut -c1-12)"; }
for node in "${nodes[@]}"; do
  # shellcheck disable=SC2016 # envsubst gets the variable names literally: only these are substituted
  KUBE_RESIDUE_IMAGE=$image NODE_NAME=$node JOB_NAME=$(job_name "$node") \
    envsubst '${KUBE_RESIDUE_IMAGE} ${NODE_NAME} ${JOB_NAME}' <"$here/job.yaml" | $kubectl apply -f - >/dev/null
done

missing=()
for node in "${nodes[@]}"; do
  job=$(job_name "$node")
  if $kubectl wait -n kube-residue --for=condition=complete --timeout="${timeout}s" "job/$job" >/dev/null 2>&1 &&
    $kubectl logs -n kube-residue "job/$job" >"$out/$node.json"; then
    echo "scan-nodes: $node: report $out/$node.json" >&2
  else
    echo "scan-nodes: $node: no report (job $job did not complete; kubectl describe -n kube-residue job/$job)" >&2
    rm -f "$out/$node.json"
    missing+=("--missing=$node")
  fi
  $kubectl delete -n kube-residue "job/$job" --wait=false >/dev/null 2>&1 || true
done

reports=()
for node in "${nodes[@]}"; do [ -f "$out/$node.json" ] && reports+=("$out/$node.json"); done
status=0
for fmt in json:json markdown:md html:html; do
  "$kr" merge --name-from file --format "${fmt%%:*}" -o "$out/fleet.${fmt#*:}" "${missing[@]}" "${reports[@]}" || status=$?
done
echo "scan-nodes: fleet report in $out/fleet.{json,md,html}" >&2
exit "$status"
