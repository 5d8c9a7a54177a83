#!/usr/bin/env bash
# Runs a command on this machine as if the container runtime packages had never been installed: in a private mount
# namespace, every file and directory the packages (and their runtime state) put on the host is hidden by overlay
# whiteouts, and the packages are gone from dpkg's database. Nothing outside that mount namespace changes.
#
# Why: issue 8 asks that `npm test` pass on a machine with and without containerd, runc, the CNI plugins, Docker and
# Podman. CI installs them; this shows the other half on the same machine:
#   test/without-runtime-packages.sh npx vitest run      (npm run test:without-runtimes; CI runs it last)
# The real-software tests then skip, also on CI (KR_WITHOUT_RUNTIME_PACKAGES=1 says why); every other test must pass
# unchanged.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  # Like the namespace tests: skipped without root, an error on CI.
  echo "$0: needs root (mount namespaces and overlays); skipped" >&2
  case "${CI:-}" in true | 1) exit 2 ;; *) exit 0 ;; esac
fi
if [ $# -eq 0 ]; then echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; fi

# The runtimes .ci/install-test-deps installs, and the packages they pull in that exist only for them.
readonly RUNTIME_PACKAGES=(containerd runc containernetworking-plugins docker.io podman conmon crun catatonit tini
  golang-github-containers-common golang-github-containers-image golang-github-containernetworking-plugin-dnsname netavark aardvark-dns slirp4netns fuse-overlayfs buildah)
# What the daemons create when they run (not in any package's file list).
readonly RUNTIME_STATE=(/var/lib/containerd /var/lib/docker /var/lib/containers /var/lib/cni /run/containerd /run/docker
  /run/docker.sock /run/containers /run/podman /etc/cni/net.d/cni.lock /etc/docker)

if [ "${KR_WITHOUT_RUNTIMES_INNER:-}" != 1 ]; then
  export KR_WITHOUT_RUNTIMES_INNER=1
  exec unshare --mount --propagation private -- "$0" "$@"
fi

installed=()
for p in "${RUNTIME_PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ]; then installed+=("$p"); fi
done

scratch=$(mktemp -d /tmp/kr-without-runtimes.XXXXXX)
mount -t tmpfs kr-without-runtimes "$scratch"
hide_list="$scratch/hide"

# Topmost paths to hide: every path the runtime packages list that no other package lists too (a directory shared
# with another package, such as /usr/bin, stays and only its runtime entries go), plus the daemons' own state.
{
  if [ ${#installed[@]} -gt 0 ]; then
    awk -v pkgs=" ${installed[*]} " '
      FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.list$/, "", n); sub(/:.*/, "", n); mine = index(pkgs, " " n " ") > 0 }
      { if (mine) own[$0] = 1; else shared[$0] = 1 }
      END { for (p in own) if (!(p in shared)) print p }
    ' /var/lib/dpkg/info/*.list
    for p in "${installed[@]}"; do
      for f in /var/lib/dpkg/info/"$p".* /var/lib/dpkg/info/"$p":*; do [ -e "$f" ] && printf '%s\n' "$f"; done
    done
    # Units the packages' maintainer scripts enabled (links in /etc/systemd/system/*.wants).
    for p in "${installed[@]}"; do
      l=/var/lib/dpkg/info/$p.list
      [ -e "$l" ] || continue
      awk -F/ '/\/systemd\/system\/[^/]+\.(service|socket)$/ { print $NF }' "$l"
    done | sort -u | while IFS= read -r u; do find /etc/systemd/system -name "$u" -type l 2>/dev/null; done
  fi
  printf '%s\n' "${RUNTIME_STATE[@]}"
} | while IFS= read -r p; do
  # Only what exists, by its real location (merged /usr: /lib/x is /usr/lib/x).
  if [ -e "$p" ] || [ -L "$p" ]; then printf '%s/%s\n' "$(realpath -- "$(dirname -- "$p")")" "$(basename -- "$p")"; fi
done | sort -u >"$hide_list.all"
# Drop what lies under another hidden path: hiding the top hides it.
awk 'NR > 1 && index($0, prev "/") == 1 { next } { print; prev = $0 }' "$hide_list.all" >"$hide_list"

# One overlay per top directory (/etc, /usr, /run, /var/lib...), never nested (overlayfs stacks only two deep): its
# upper layer holds the same subdirectories with a whiteout (character device 0:0) for each hidden name.
overlay_root() {
  local rest=${1#/} top
  top=${rest%%/*}
  if [ "$top" = var ]; then rest=${rest#var/}; printf '/var/%s\n' "${rest%%/*}"; else printf '/%s\n' "$top"; fi
}
declare -A upper_of=()
n=0
while IFS= read -r p; do
  root=$(overlay_root "$p")
  if [ -z "${upper_of[$root]:-}" ]; then n=$((n + 1)); upper_of[$root]=$scratch/u$n; mkdir -p "$scratch/u$n" "$scratch/w$n"; fi
  rel=${p#"$root"/}
  mkdir -p "${upper_of[$root]}/$(dirname -- "$rel")"
  mknod "${upper_of[$root]}/$rel" c 0 0
done <"$hide_list"
for root in "${!upper_of[@]}"; do
  upper=${upper_of[$root]}
  mount -t overlay kr-without-runtimes -o "lowerdir=$root,upperdir=$upper,workdir=${upper%/u*}/w${upper##*/u}" "$root"
done

# dpkg's status without the runtime packages' stanzas, so provenance sees them as never installed.
if [ ${#installed[@]} -gt 0 ]; then
  awk -v pkgs=" ${installed[*]} " -v RS= -v ORS='\n\n' '{ split($0, l, "\n"); n = l[1]; sub(/^Package: /, "", n); if (index(pkgs, " " n " ") == 0) print }' /var/lib/dpkg/status >"$scratch/status"
  mount --bind "$scratch/status" /var/lib/dpkg/status
fi

echo "without-runtime-packages: hid ${#installed[@]} packages (${installed[*]:-none}) and $(wc -l <"$hide_list") paths" >&2
# KR_WITHOUT_RUNTIMES_LIST=1: print what is hidden.
if [ -n "${KR_WITHOUT_RUNTIMES_LIST:-}" ]; then cat "$hide_list" >&2; fi
export KR_WITHOUT_RUNTIME_PACKAGES=1
status=0
"$@" || status=$?
# The mounts end with this namespace; the empty directory they hung on is the host's: remove it.
if umount --lazy "$scratch"; then rmdir "$scratch"; fi
exit "$status"
