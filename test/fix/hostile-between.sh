#!/usr/bin/env bash
# Run by sandbox-fix-run.sh between writing the fix script and running it (hostile scenario): the admin edits
# /etc/hosts after the scan, inserting lines above the kubespray block and appending one, some with bytes that
# are not UTF-8 and trailing blanks. A script that deletes by line number would now delete these.
set -euo pipefail
{
  printf '# added after the scan \t\n10.9.9.9 vault.home vault\n10.9.9.10 caf\351.home\n'
  cat /etc/hosts
  printf '10.0.0.11 node1.cluster.local node1-but-mine\n'
} >/tmp/hosts.new
cat /tmp/hosts.new >/etc/hosts
rm -f /tmp/hosts.new
