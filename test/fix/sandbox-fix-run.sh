#!/usr/bin/env bash
# Runs inside kr-sandbox (test/sandbox/sandbox.sh) after the scenarios are planted:
#   scan (built CLI) → fix --from the saved report → run the script with sh → scan again,
# and records what the script changed besides the residue: the state of every item planted with class "user"
# (files with their checksums, mounts, cgroups, links, chains and jumps, nft tables, ipsets, processes, ports)
# before and after, and every entry that appeared in the overlay upper dirs while the script ran (a whiteout
# there is a deleted host file, a new file a created or modified one). Output: sections on stdout, each
# introduced by a line `=====KR:<name>=====`.
set -uo pipefail

cli=${KR_FIX_CLI:?KR_FIX_CLI: path of dist/kube-residue.cjs}
work=/tmp/kr-fix
mkdir -p "$work"
manifest=$KR_SANDBOX_DIR/planted.tsv

section() { printf '=====KR:%s=====\n' "$1"; }

in_mountinfo() {
  KR_P=$1 awk 'BEGIN { p = ENVIRON["KR_P"] } $5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# One line per user item: OK|MISSING kind id, and for files their checksum.
user_state() {
  local cls kind id ok fam backend table chain cmd proto rest port
  while IFS=$'\t' read -r _ cls kind id; do
    [[ $cls == user ]] || continue
    ok=1
    case $kind in
      path)
        if [[ -f $id && ! -L $id ]]; then
          printf 'SUM %s %s\n' "$(sha256sum <"$id" | cut -c1-64)" "$id"
        fi
        [[ -e $id || -L $id ]] || ok=0
        ;;
      mount) in_mountinfo "$id" || ok=0 ;;
      cgroup) [[ -d $id ]] || ok=0 ;;
      interface) [[ -e /sys/class/net/$id ]] || ok=0 ;;
      iptables-chain)
        IFS=/ read -r fam backend table chain <<<"$id"
        cmd=iptables-$backend
        [[ $fam == ip6 ]] && cmd=ip6tables-$backend
        "$cmd" -w -t "$table" -S "$chain" >/dev/null 2>&1 || ok=0
        ;;
      nft-table)
        # shellcheck disable=SC2086 # "FAMILY NAME"
        nft list table $id >/dev/null 2>&1 || ok=0
        ;;
      ipset) ipset list -n 2>/dev/null | grep -qxF -- "$id" || ok=0 ;;
      process) pgrep -x -- "$id" >/dev/null || ok=0 ;;
      port)
        proto=${id%%/*}
        rest=${id#*/}
        port=${rest##*:}
        [[ -n $(ss -H -l -n "--$proto" "sport = :$port" 2>/dev/null) ]] || ok=0
        ;;
    esac
    if [[ $ok == 1 ]]; then echo "OK $kind $id"; else echo "MISSING $kind $id"; fi
  done <"$manifest"
  # The jumps into the user's chains (user-state.sh) must survive too, not only the chains.
  if iptables-nft-save -t filter 2>/dev/null | grep -qxF -- '-A INPUT -m comment --comment "myapp firewall" -j MYAPP-INPUT'; then
    echo 'OK jump INPUT->MYAPP-INPUT'
  else
    echo 'MISSING jump INPUT->MYAPP-INPUT'
  fi
  if iptables-nft-save -t filter 2>/dev/null | grep -qxF -- '-A FORWARD -j DOCKER-USER'; then
    echo 'OK jump FORWARD->DOCKER-USER'
  else
    echo 'MISSING jump FORWARD->DOCKER-USER'
  fi
}

# Every entry of the overlay upper dirs (type and path), to see what the script changed on the layers. A
# whiteout over a path the harness hid (the machine's own runtime configuration, $KR_SANDBOX_DIR/hidden.txt)
# hides nothing of the host's when a planted file there is removed: left out.
upper_entries() {
  [[ -d $KR_SANDBOX_DIR/ov ]] || return 0
  find "$KR_SANDBOX_DIR/ov" -mindepth 3 -path "$KR_SANDBOX_DIR/ov/*/upper/*" -printf '%y %p\n' 2>/dev/null | sort |
    awk -v ov="$KR_SANDBOX_DIR/ov/" -v hidden="$KR_SANDBOX_DIR/hidden.txt" '
      BEGIN { while ((getline h < hidden) > 0) hid[h] = 1 }
      {
        p = substr($0, 3)
        rest = substr(p, length(ov) + 1)
        top = substr(rest, 1, index(rest, "/") - 1)
        host = "/" top substr(rest, length(top) + 7)
        if ($1 == "c" && (host in hid)) next
        print
      }'
}

# KR_FIX_SCAN_ARGS: extra scan options (word-split); KR_FIX_BETWEEN: a script run after the fix script is
# written and before it runs (a user editing a shared file in between, say).
# shellcheck disable=SC2206 # options, split on purpose
scan_args=(${KR_FIX_SCAN_ARGS:-})
node "$cli" scan --format json "${scan_args[@]}" >"$work/scan1.json" 2>"$work/scan1.err"
scan1_status=$?
node "$cli" fix --from "$work/scan1.json" -o "$work/fix.sh" 2>"$work/fix.err"
fix_status=$?

# The script runs for real here, so it must only reach what is private to the sandbox: the overlaid dirs, the
# fresh /tmp, the sandbox's own cgroups, processes and network namespace. Residue of the machine running the
# tests (a developer's /home/*/.kube/config, /mnt/disks) would be removed for real: stop instead.
outside=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const ok = /^\/(etc|var|opt|usr|run|root|tmp)\/|^\/sys\/fs\/cgroup\//;
  const bad = [];
  for (const res of r.results) for (const f of res.findings) {
    const paths = f.kind === "path" || f.kind === "file-content" || f.kind === "mount" || f.kind === "cgroup" ? [f.vars.target ?? f.target]
      : f.kind === "systemd-unit" ? [].concat(f.vars.paths ?? []) : [];
    for (const p of paths) if (typeof p === "string" && !ok.test(p)) bad.push(res.ruleId + " " + p);
  }
  console.log(bad.join("\n"));' "$work/scan1.json")
if [[ -n $outside ]]; then
  section STATUS
  echo "OUTSIDE: the machine running the tests has residue outside the sandbox's private dirs; not running the fix script:"
  echo "$outside"
  section END
  exit 0
fi

# Commands that would act beyond the sandbox's namespaces (the host's systemd or runtime over a socket visible
# through /run, kernel-wide settings and modules, the host's root directory, a cluster) are stubs while the
# script runs. The script itself already refuses systemctl unless systemd is PID 1, which it is not here.
stubs=$work/stub-bin
mkdir -p "$stubs"
for c in crictl systemctl sysctl modprobe swapon touch apt-get apt-mark kubectl cilium-dbg fagenrules update-ca-certificates; do
  printf '#!/bin/sh\necho "kr-sandbox stub: %s $*" >&2\n' "$c" >"$stubs/$c"
  chmod 0755 "$stubs/$c"
done

if [[ -n ${KR_FIX_BETWEEN:-} ]]; then
  bash "$KR_FIX_BETWEEN" >"$work/between.out" 2>&1 || echo "KR_FIX_BETWEEN failed: $?" >>"$work/between.out"
fi
user_state >"$work/user-before.txt"
upper_entries >"$work/upper-before.txt"
# From /tmp (the sandbox's own tmpfs): a name that ever ran as a command would leave its canary file there.
(cd /tmp && PATH="$stubs:$PATH" sh "$work/fix.sh" >"$work/run.out" 2>&1)
run_status=$?
upper_entries >"$work/upper-after.txt"
user_state >"$work/user-after.txt"
node "$cli" scan --format json "${scan_args[@]}" >"$work/scan2.json" 2>"$work/scan2.err"
scan2_status=$?

section STATUS
echo "scan1=$scan1_status fix=$fix_status run=$run_status scan2=$scan2_status"
section SCAN1
cat "$work/scan1.json"
section FIX_STDERR
cat "$work/fix.err"
section SCRIPT
cat "$work/fix.sh"
section RUN
cat "$work/run.out"
section SCAN2
cat "$work/scan2.json"
section USER_BEFORE
cat "$work/user-before.txt"
section USER_AFTER
cat "$work/user-after.txt"
section UPPER_NEW
comm -13 "$work/upper-before.txt" "$work/upper-after.txt"
section MANIFEST
cat "$manifest"
section HOSTS
cat /etc/hosts
section IPTABLES
iptables-nft-save 2>/dev/null | grep -v '^#'
section CANARY
find /tmp /etc /var /opt /root "$PWD" -maxdepth 3 -name 'kr-canary*' 2>/dev/null
section BETWEEN
cat "$work/between.out" 2>/dev/null
section END
