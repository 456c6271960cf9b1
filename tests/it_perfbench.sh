# scripts/perfbench.sh on loopback, one run of 1 s per tool and workload
# (~15 s): runs.csv has a row per run with positive figures in the
# workload's columns, summary.csv a row per workload and metric with the
# ratio where both tools ran, no server is left listening; iperf3 and
# sockperf, where absent, are skipped (said so here and by the script).
# Then tub against udp-floor (the kernel's ceiling), tub alone with both
# tools hidden, the parsers of iperf3's JSON and sockperf's output on
# canned output (old and new iperf3, an error, a one-way sockperf), and
# bad input.
. "$(dirname "$0")/lib.sh"
PB="$HERE/../scripts/perfbench.sh"
LIBD="$HERE/../scripts/lib"
command -v bash >/dev/null 2>&1 || skip "no bash"
command -v taskset >/dev/null 2>&1 || skip "no taskset (util-linux)"

# have_tool NAME: the tool is here (perfbench.sh's IPERF3 and SOCKPERF
# name its commands, as they do here).
have_tool() {
	case $1 in
		iperf3) command -v "${IPERF3:-iperf3}" >/dev/null 2>&1 ;;
		sockperf) command -v "${SOCKPERF:-sockperf}" >/dev/null 2>&1 ;;
	esac
}
for t in iperf3 sockperf; do
	have_tool "$t" || echo "SKIP: $t not installed: no tub vs $t rows checked (apt-get install $t)"
done

# row_of CSV WORKLOAD TOOL COLUMN: COLUMN of the first row of WORKLOAD by TOOL.
row_of() {
	awk -v w="$2" -v t="$3" -v c="$4" -f "$LIBD/csv.awk" -f /dev/stdin "$1" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r) }
r[col["workload"]] == w && r[col["tool"]] == t { print r[col[c]]; exit }
EOF
}

# positive CSV WORKLOAD TOOL COLUMN...: each COLUMN of that row is > 0.
positive() {
	f=$1 w=$2 t=$3
	shift 3
	check "$w $t: a row, ok" "$(row_of "$f" "$w" "$t" status)" = ok
	for c in "$@"; do
		v=$(row_of "$f" "$w" "$t" "$c")
		check_awk "$w $t: $c = '$v' > 0" "\"$v\" != \"\" && $v + 0 > 0"
	done
}

# not_listening PORT: nothing listens on PORT any more.
not_listening() {
	command -v ss >/dev/null 2>&1 || return 0
	[ -z "$(ss -Htuln "sport = :$1" 2>/dev/null)" ]
}

OUT=$WORK/pb
timeout 100 bash "$PB" --reps 1 --time 1 --bin "$BIN" --out "$OUT" >"$WORK/out" 2>"$WORK/err"
rc=$?
check "exit 0" "$rc" -eq 0
[ "$rc" -eq 0 ] || { cat "$WORK/err"; }
R=$OUT/runs.csv
check "runs.csv header" "$(head -n 1 "$R")" = \
	"workload,tool,rep,order,started_utc,time_s,status,throughput_gbps,udp_loss_pct,rtt_p50_us,rtt_p99_us,rtt_mean_us,cpu_send_s_per_gb,cpu_recv_s_per_gb,log,note"
n=3
positive "$R" tcp_stream_128k tub throughput_gbps
positive "$R" udp_stream_1400 tub throughput_gbps
check "udp tub: a loss figure" -n "$(row_of "$R" udp_stream_1400 tub udp_loss_pct)"
positive "$R" udp_rr_64 tub rtt_p50_us rtt_p99_us rtt_mean_us
check "tcp tub: no rtt, no loss" -z "$(row_of "$R" tcp_stream_128k tub rtt_p50_us)$(row_of "$R" tcp_stream_128k tub udp_loss_pct)"
if have_tool iperf3; then
	n=$((n + 2))
	positive "$R" tcp_stream_128k iperf3 throughput_gbps
	positive "$R" udp_stream_1400 iperf3 throughput_gbps
	check "udp iperf3: a loss figure" -n "$(row_of "$R" udp_stream_1400 iperf3 udp_loss_pct)"
	check "tub, then iperf3" "$(row_of "$R" tcp_stream_128k iperf3 order)" -eq 2
	p=$(sed -n 's/^Server listening on \([0-9]*\).*/\1/p' "$OUT/logs/server-iperf3.log" | head -n 1)
	check "iperf3 -s stopped (port '$p')" -n "$p" -a "$(not_listening "$p"; echo $?)" -eq 0
else
	check "says how to get iperf3" -n "$(grep 'apt-get install -y iperf3' "$WORK/err")"
fi
if have_tool sockperf; then
	n=$((n + 1))
	positive "$R" udp_rr_64 sockperf rtt_p50_us rtt_p99_us rtt_mean_us
else
	check "says how to get sockperf" -n "$(grep 'apt-get install -y sockperf' "$WORK/err")"
fi
check "$n rows" "$(csv_rows "$R")" -eq "$n"
p=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' "$OUT/logs/server-tub.log")
check "tub-recv stopped (port '$p')" -n "$p" -a "$(not_listening "$p"; echo $?)" -eq 0

S=$OUT/summary.csv
check "summary: 10 metrics (the 6, and each stream's CPU per GB of both ends)" "$(csv_rows "$S")" -eq 10
sv() { awk -F, -v w="$1" -v m="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$1 == w && $2 == m { print $h[c] }' "$S"; }
check_awk "summary: tcp tub median > 0" "$(sv tcp_stream_128k throughput_gbps subject_median) > 0"
check_awk "summary: tcp tub CPU per GB, both ends > 0" "$(sv tcp_stream_128k cpu_send_s_per_gb subject_median) > 0 && $(sv tcp_stream_128k cpu_recv_s_per_gb subject_median) > 0"
if have_tool iperf3; then
	check_awk "summary: tcp ratio = tub / iperf3" \
		"($(sv tcp_stream_128k throughput_gbps ratio) - $(sv tcp_stream_128k throughput_gbps subject_median) / $(sv tcp_stream_128k throughput_gbps reference_median))^2 < 1e-6"
fi
check "table on stdout" -n "$(grep '^udp_rr_64  *rtt_p50_us' "$WORK/out")"
check "the directory last" "$(tail -n 1 "$WORK/out")" = "$OUT"
check "meta.txt" -n "$(grep '^bin: ' "$OUT/meta.txt")"

# Both tools hidden: tub alone, saying so, exit 0.
IPERF3=tub-no-iperf3 SOCKPERF=tub-no-sockperf timeout 60 bash "$PB" --reps 1 --time 1 \
	--bin "$BIN" --workloads rr --out "$WORK/alone" >"$WORK/out2" 2>"$WORK/err2"
check "alone: exit 0" $? -eq 0
check "alone: says how to get sockperf" -n "$(grep 'apt-get install -y sockperf' "$WORK/err2")"
check "alone: one row" "$(csv_rows "$WORK/alone/runs.csv")" -eq 1
positive "$WORK/alone/runs.csv" udp_rr_64 tub rtt_p50_us

# udp_floor: tub against the kernel's own ceiling (udp-floor, built beside
# tub), both rows with a rate, the floor's without a loss figure (it has
# no sequence to count by), and its receiver gone when the run is over.
timeout 60 bash "$PB" --reps 1 --time 1 --bin "$BIN" --workloads udp_floor \
	--out "$WORK/floor" >"$WORK/out3" 2>"$WORK/err3"
check "floor: exit 0" $? -eq 0
positive "$WORK/floor/runs.csv" udp_stream_1400_floor tub throughput_gbps
positive "$WORK/floor/runs.csv" udp_stream_1400_floor floor throughput_gbps
check "floor: no loss figure" -z "$(row_of "$WORK/floor/runs.csv" udp_stream_1400_floor floor udp_loss_pct)"
check "floor: its receiver said ready and its figures" \
	"$(grep -c '^udp-floor: ready$\|^datagrams [0-9]* bytes' "$WORK/floor/logs/udp_stream_1400_floor-floor-1-recv.log")" -eq 2
check "floor: in the summary" -n "$(grep '^udp_stream_1400_floor,throughput_gbps,' "$WORK/floor/summary.csv")"
# tcp4: four flows a tool, both on the one client CPU; tub's figure is
# its sum row's, all four flows.
timeout 60 bash "$PB" --reps 1 --time 1 --bin "$BIN" --workloads tcp4 \
	--out "$WORK/p4" >"$WORK/out4" 2>"$WORK/err4"
check "tcp4: exit 0" $? -eq 0
positive "$WORK/p4/runs.csv" tcp_stream_128k_p4 tub throughput_gbps cpu_send_s_per_gb
check "tcp4: tub's row is its sum, four flows" \
	-n "$(grep -l 'tcp,stream,forward,0,4,sum,' "$WORK"/p4/logs/tcp_stream_128k_p4-tub-1.csv)"
if have_tool iperf3; then
	positive "$WORK/p4/runs.csv" tcp_stream_128k_p4 iperf3 throughput_gbps
	check "tcp4: iperf3 ran -P 4" -n "$(grep -m 1 '"num_streams":[[:space:]]*4' "$WORK"/p4/logs/tcp_stream_128k_p4-iperf3-1.log)"
fi
"$BIN/udp-floor" recv 127.0.0.1 0 1 2>"$WORK/e"
check "udp-floor port 0: exit 2, one line" "$?:$(wc -l <"$WORK/e")" = 2:1

# The paired ratio: run k over run k, the median of those. A machine that
# is slow for the reference's run 1 and the subject's run 2 spoils the
# ratio of the medians (21/24) but not the paired one (1.0526).
LIBD="$HERE/../scripts/lib"
printf '%s\n' "workload,tool,rep,status,throughput_gbps" \
	"tcp_stream_128k,tub,1,ok,20" "tcp_stream_128k,iperf3,1,ok,19" \
	"tcp_stream_128k,tub,2,ok,21" "tcp_stream_128k,iperf3,2,ok,29" \
	"tcp_stream_128k,tub,3,ok,32" "tcp_stream_128k,iperf3,3,ok,30" \
	"tcp_stream_128k,tub,4,failed," "tcp_stream_128k,iperf3,4,ok,5" >"$WORK/pr.csv"
awk -v pairs="tcp_stream_128k tub iperf3" -v mode=summary -f "$LIBD/csv.awk" \
	-f "$LIBD/perfbench.awk" "$WORK/pr.csv" >"$WORK/pr_sum.csv"
S=$WORK/pr_sum.csv
check "paired: 3 pairs (run 4 failed for tub)" "$(sv tcp_stream_128k throughput_gbps pairs)" = 3
check_awk "paired: the median of 20/19, 21/29, 32/30" \
	"($(sv tcp_stream_128k throughput_gbps pair_ratio_median) - 20 / 19)^2 < 1e-6"
check_awk "paired: the ratio of the medians apart (21/24: all ok runs)" \
	"($(sv tcp_stream_128k throughput_gbps ratio) - 21 / 24)^2 < 1e-6"

# The parsers, on output as iperf3 3.12 and sockperf 3.7 write it.
TAB=$(printf '\t')
cat >"$WORK/new.json" <<EOF
{
${TAB}"intervals":${TAB}[{
${TAB}${TAB}${TAB}"sum":${TAB}{
${TAB}${TAB}${TAB}${TAB}"bits_per_second":${TAB}1,
${TAB}${TAB}${TAB}${TAB}"lost_percent":${TAB}99
${TAB}${TAB}${TAB}}
${TAB}${TAB}}],
${TAB}"end":${TAB}{
${TAB}${TAB}"sum":${TAB}{
${TAB}${TAB}${TAB}"bits_per_second":${TAB}1317917623.1710124,
${TAB}${TAB}${TAB}"lost_percent":${TAB}45.26,
${TAB}${TAB}${TAB}"sender":${TAB}true
${TAB}${TAB}},
${TAB}${TAB}"sum_sent":${TAB}{
${TAB}${TAB}${TAB}"bits_per_second":${TAB}1317917623.1710124,
${TAB}${TAB}${TAB}"lost_percent":${TAB}0
${TAB}${TAB}},
${TAB}${TAB}"sum_received":${TAB}{
${TAB}${TAB}${TAB}"bits_per_second":${TAB}721271998.02,
${TAB}${TAB}${TAB}"lost_percent":${TAB}45.26,
${TAB}${TAB}${TAB}"sender":${TAB}false
${TAB}${TAB}},
${TAB}${TAB}"cpu_utilization_percent":${TAB}{
${TAB}${TAB}${TAB}"host_total":${TAB}99.1,
${TAB}${TAB}${TAB}"host_user":${TAB}0.6,
${TAB}${TAB}${TAB}"remote_total":${TAB}83.9
${TAB}${TAB}}
${TAB}}
}
EOF
check "iperf3 3.12 UDP: sum_received" "$(awk -f "$LIBD/iperf3.awk" "$WORK/new.json")" = "721271998.02 45.26 - 99.1 83.9"
# before 3.8 a UDP test's end had only sum (the sender's bits/s)
awk '/"sum_sent"/ { exit } { print }' "$WORK/new.json" | sed '$s/,$//' >"$WORK/old.json"
printf '\t}\n}\n' >>"$WORK/old.json"
check "iperf3 before 3.8 UDP: end.sum less the loss" \
	"$(awk -f "$LIBD/iperf3.awk" "$WORK/old.json")" = "$(awk 'BEGIN { print 1317917623.1710124 * (1 - 45.26 / 100) }') 45.26 - - -"
printf '{\n\t"start":\t{\n\t},\n\t"error":\t"unable to connect to server: Connection refused"\n}\n' >"$WORK/err.json"
check "iperf3 error" "$(awk -f "$LIBD/iperf3.awk" "$WORK/err.json")" = "- - unable_to_connect_to_server:_Connection_refused - -"
ESC=$(printf '\033')
cat >"$WORK/sp.log" <<EOF
sockperf: ${ESC}[2;35m====> avg-rtt=72.408 (std-dev=311.720)${ESC}[0m
sockperf: Summary: Round trip is 72.408 usec
sockperf: ---> percentile 99.000 = 1623.958
sockperf: ---> percentile 50.000 =   35.476
EOF
check "sockperf --full-rtt" "$(awk -f "$LIBD/sockperf.awk" "$WORK/sp.log")" = "35.476 1623.958 72.408"
sed 's/avg-rtt/avg-latency/; s/Round trip is/Latency is/' "$WORK/sp.log" >"$WORK/sp1.log"
check "sockperf one way: refused" "$(awk -f "$LIBD/sockperf.awk" "$WORK/sp1.log")" = "- - -"

# Bad input: one line, exit 2.
for a in "--reps 0" "--time 1.5" "--workloads tcp,x" "--workloads udp_floor --peer 127.0.0.1" "--server-cpu 99999" "--bin $WORK/none" "--peer -x" "--frob"; do
	# shellcheck disable=SC2086 # the option and its value
	bash "$PB" $a >"$WORK/o" 2>"$WORK/e"
	rc=$?
	check "$a: exit 2" "$rc" -eq 2
	check "$a: one line" "$(wc -l <"$WORK/e")" -eq 1
done
finish
