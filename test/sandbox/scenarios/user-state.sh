#!/usr/bin/env bash
# Scenario user-state: ordinary, non-Kubernetes state of the node's owner. A
# residue scanner must never report any of it and a fix script must never
# touch it. Tests plant it in every dirty run (and it can run alone).
# Everything here is recorded with class "user".
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"
export KR_CLASS=user

# --- files, including awkward names
kr_file /etc/myapp/config.yaml <<'EOF'
listen: 127.0.0.1:8080
data_dir: /var/lib/myapp/data
EOF
kr_dir /var/lib/myapp/data
kr_file /var/lib/myapp/data/records.db <<<"myapp data"
kr_file "/var/lib/myapp/it's a file" <<<"a name with a space and a quote"
kr_file /opt/myapp/bin/tool 0755 <<'EOF'
#!/bin/sh
echo "myapp tool"
EOF
kr_file /etc/systemd/system/myapp.service <<'EOF'
[Unit]
Description=My application

[Service]
ExecStart=/opt/myapp/bin/myappd

[Install]
WantedBy=multi-user.target
EOF
kr_symlink /etc/systemd/system/myapp.service /etc/systemd/system/multi-user.target.wants/myapp.service

# --- a tmpfs mount and a cgroup of the user's own
kr_tmpfs /var/lib/myapp/cache rw,nosuid,nodev,relatime,size=16384k
kr_cgroup myapp.slice

# --- an interface (dummy when the module is already there, else a bridge:
# never trigger a dummy module load, it would create dummy0 on the host)
if kr_have_module dummy; then
  ip link add myapp0 type dummy
else
  ip link add myapp0 type bridge
fi
ip addr add 192.168.77.1/24 dev myapp0
ip link set myapp0 up
kr_iface myapp0

# --- iptables (nft backend): MYAPP-INPUT jumped to from INPUT, DOCKER-USER
kr_iptables nft ip <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:MYAPP-INPUT - [0:0]
:DOCKER-USER - [0:0]
-A INPUT -m comment --comment "myapp firewall" -j MYAPP-INPUT
-A FORWARD -j DOCKER-USER
-A MYAPP-INPUT -p tcp -m tcp --dport 8080 -s 192.168.77.0/24 -j ACCEPT
-A MYAPP-INPUT -p tcp -m tcp --dport 8080 -j DROP
-A DOCKER-USER -j RETURN
COMMIT
EOF

# --- a native nft table and an ipset of the user's own (optional)
if command -v nft >/dev/null && nft add table inet myapp 2>/dev/null; then
  nft add chain inet myapp input '{ type filter hook input priority 10; policy accept; }'
  kr_record nft-table "inet myapp"
else
  kr_skip nft-table "inet myapp" "nft not available"
fi
if command -v ipset >/dev/null && ipset create myapp-allow hash:ip family inet 2>/dev/null; then
  ipset add myapp-allow 192.168.77.10
  kr_record ipset myapp-allow
else
  kr_skip ipset myapp-allow "ipset not available or kernel lacks hash:ip"
fi

# --- a running service of the user's own
kr_daemon myappd /opt/myapp/bin/myappd "tcp:127.0.0.1:8080" "" --config /etc/myapp/config.yaml
