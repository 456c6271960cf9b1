#!/bin/sh
# hostinfo.sh [PEER_ADDR]: this host's facts for meta.txt, as "key: value"
# lines: name, kernel, CPU, the socket-buffer, TCP and IP reassembly
# sysctls (ipfrag_time: how long an incomplete datagram is held), and the
# interface (MTU, qdisc) of the route to PEER_ADDR. Runs on the sender, on
# a receiver over ssh (sh -s) and inside a network namespace; POSIX sh only.

sysctl_value() {
  f=/proc/sys/$(echo "$1" | tr . /)
  if [ -r "$f" ]; then tr '\t' ' ' <"$f"; else echo '?'; fi
}

cpu_model() {
  m=$(awk -F': *' '/^(model name|Hardware|cpu model)/ { print $2; exit }' \
    /proc/cpuinfo 2>/dev/null)
  echo "${m:-?}"
}

# route_dev ADDR: the interface packets to ADDR leave by.
route_dev() {
  command -v ip >/dev/null 2>&1 || return 1
  ip route get "$1" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -n 1
}

echo "hostname: $(uname -n)"
echo "kernel: $(uname -srvm)"
echo "cpu: $(cpu_model)"
echo "nproc: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"
for k in net.core.rmem_max net.core.wmem_max net.core.rmem_default \
  net.core.wmem_default net.ipv4.tcp_rmem net.ipv4.tcp_wmem net.ipv4.udp_mem \
  net.ipv4.tcp_congestion_control net.ipv4.tcp_timestamps net.core.default_qdisc \
  net.core.netdev_max_backlog net.ipv4.ipfrag_time net.ipv4.ipfrag_high_thresh; do
  echo "$k: $(sysctl_value "$k")"
done
dev=""
[ -n "${1:-}" ] && dev=$(route_dev "$1")
if [ -n "$dev" ]; then
  echo "interface: $dev (route to $1)"
  echo "mtu: $(cat "/sys/class/net/$dev/mtu" 2>/dev/null || echo '?')"
  if command -v tc >/dev/null 2>&1; then
    echo "qdisc: $(tc qdisc show dev "$dev" 2>/dev/null | head -n 1)"
  fi
fi
