# Ctrl-C as a terminal sends it: SIGINT to the whole process group of a
# bench.sh running across --link wan (root and /dev/net/tun, else skipped),
# in the middle of a 6 s TCP stream. The link (tub-link, in a session of
# its own) must outlive it: the stopped test ends "interrupted" with what
# the receiver counted, within a few seconds, not "refused: no data moved
# for 10 s" because the signal cut the path under it. Then tub-send alone
# on loopback, stopped in each kind that used to wait for its peer (a TCP
# stream, a linger test with a slow reader): each row "interrupted" within
# its grace period.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

# interrupted CSV: "status|error|throughput_bps" of its last row.
interrupted() {
	echo "$(col "$1" status)|$(col "$1" error)|$(col "$1" throughput_bps)"
}

# --- tub-send alone on loopback: SIGINT mid-test
start_recv -B 127.0.0.1
for k in "stream:-t 6 -l 131072" "linger:--kind linger -b 1m -t 6"; do
	name=${k%%:*}
	rm -f "$WORK/$name.csv"
	# shellcheck disable=SC2086 # the options are words
	"$BIN/tub-send" -c 127.0.0.1 -p "$PORT" ${k#*:} -q --csv "$WORK/$name.csv" &
	pid=$!
	sleep 1
	t0=$(date +%s.%N)
	kill -INT "$pid"
	wait "$pid"
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	r=$(interrupted "$WORK/$name.csv")
	echo "it_int_link: tub-send $name stopped after $secs s: $r"
	check "tub-send $name: interrupted ($r)" "${r%%|*}" = interrupted
	# a stream's receiver answers at once; linger's slow reader is given
	# the grace period (1 s on loopback) and a second: 2 s, 5 allowed
	check_awk "tub-send $name: stopped within 5 s ($secs s)" "$secs < 5"
done
s=$(col "$WORK/stream.csv" throughput_bps)
check_awk "tub-send stream: the receiver's count came back ($s bit/s)" "\"$s\" != \"\" && $s > 0"
stop_recv

# without root and the rest, the tub-send checks above stand alone
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null 2>&1 ||
	! command -v python3 >/dev/null 2>&1; then
	echo "it_int_link: the link part skipped: needs root, /dev/net/tun, ip and python3"
	finish
fi

# --- bench.sh across wan, Ctrl-C to its process group in test 2 of 3
python3 - "$WORK/out" "$WORK/err" sh "$BENCH" --bin "$BIN" --link wan --no-probe \
	--no-plot --no-maxrate --results "$WORK/res" --label int \
	--sweep 'proto=tcp size=128K duration=6s repeat=3' <<'EOF'
import os, signal, subprocess, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
def child():
    os.setpgid(0, 0)                      # a group of its own, as a job
    signal.signal(signal.SIGINT, signal.SIG_DFL)
p = subprocess.Popen(cmd, stdout=open(out, "w"), stderr=open(err, "w"),
                     preexec_fn=child)
start = time.time()
while time.time() - start < 60:           # test 2 under way for 2 s
    if "[2/3 " in open(err).read():
        break
    time.sleep(0.1)
time.sleep(2)
t0 = time.time()
os.killpg(p.pid, signal.SIGINT)           # the terminal's Ctrl-C
try:
    rc = p.wait(timeout=60)
except subprocess.TimeoutExpired:
    p.kill()
    rc = -1
open(out + ".rc", "w").write("%d %.2f %d\n" % (rc, time.time() - t0, p.pid))
EOF
read -r rc secs bpid <"$WORK/out.rc"
echo "it_int_link: bench.sh exit $rc, $secs s after Ctrl-C"
check "bench.sh exit 130" "$rc" -eq 130
check_awk "bench.sh out within 8 s ($secs s)" "$secs < 8"
RUN=$(ls -d "$WORK/res/"*-int 2>/dev/null | head -n 1)
CSV=$RUN/results.csv
check "two rows, the third test not started" "$(($(wc -l <"$CSV") - 1))" -eq 2
r=$(interrupted "$CSV")
echo "it_int_link: the stopped test: $r"
check "the stopped test is interrupted ($r)" "${r%%|*}" = interrupted
s=$(col "$CSV" throughput_bps)
check_awk "... with the receiver's count across wan ($s bit/s)" "\"$s\" != \"\" && $s > 1e6"
# bench.sh names its link tb and its PID
check "the link came down" -z "$(ip netns list 2>/dev/null | grep "^tb$bpid-")"
finish
