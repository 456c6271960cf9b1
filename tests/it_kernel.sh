# The kernel's own counters beside the tool's, in the quiet namespaces of
# the emulated link (nothing else runs there): UDP RcvbufErrors on the
# receiving host against udp_rcvbuf_drops, TCP RetransSegs on the sending
# host against TCP_INFO's retransmissions, across 1% loss of the data
# segments. Needs root and /dev/net/tun, else skipped.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_kernel: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
link_setup tubkc
CSV=$WORK/r.csv

send() {
	rm -f "$CSV"
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" --kernel-check "$@" 2>"$WORK/summary"
}

# A UDP flood into a 16 KiB receive buffer: the receiver drops.
link_up --delay 1ms
send --proto udp -l 1400 -t 1 --remote-opt rcvbuf=16K
drops=$(col "$CSV" udp_rcvbuf_drops)
kdrops=$(col "$CSV" kernel_udp_rcvbuf_errors)
echo "it_kernel: udp flood into rcvbuf 16K: udp_rcvbuf_drops $drops," \
	"RcvbufErrors $kdrops"
check "udp: status ok" "$(col "$CSV" status)" = ok
check "udp: drops seen" "${drops:-0}" -gt 0
check "udp: RcvbufErrors == udp_rcvbuf_drops" "$kdrops" = "$drops"
check "udp: marked per namespace" "$(col "$CSV" kernel_scope)" = netns
check "udp: the summary compares them" \
	-n "$(grep 'kernel Udp RcvbufErrors (receiver) .* == udp_rcvbuf_drops' "$WORK/summary")"

# TCP across 1% loss of the data segments only (the control connection's
# small segments pass): every retransmission is the data connection's.
link_up --delay 5ms --loss 1% --match tcp --match-min-size 1000 --seed 5
send --proto tcp -t 2 -b 50M
rt=$(col "$CSV" tcp_retrans_segs)
krt=$(col "$CSV" kernel_tcp_retrans_segs)
echo "it_kernel: tcp across 1% loss: tcp_retrans_segs $rt, RetransSegs $krt"
check "tcp: status ok" "$(col "$CSV" status)" = ok
check "tcp: retransmissions seen" "${rt:-0}" -gt 0
check "tcp: RetransSegs == tcp_retrans_segs" "$krt" = "$rt"
finish
