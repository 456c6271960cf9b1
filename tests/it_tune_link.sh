# The advice across emulated links (scripts/netns.sh; root and
# /dev/net/tun, else skipped), ~2.5 min: per profile a bench.sh run of the
# tune suite's TCP and UDP lines cut to what the checks need (buffers and
# TCP_NOTSENT_LOWAT around the BDP, UDP receive buffers at 0.9x), with the
# durations the path asks for. For wan, lossy (1% loss) and wifi (jitter):
# - no point fails;
# - the recommended TCP setting reaches >= 95% of the best throughput;
#   on wan its p50 added delay is at most one idle RTT. Where the path
#   loses at random (lossy 1%, wifi 0.5%) a bulk TCP stream always has a
#   hole waiting for its retransmission (lossy: a loss every ~14 ms of a
#   40 ms RTT), and every message behind it waits: there the recommended
#   setting's delay is at most the kernel defaults' (measured on lossy:
#   +157 ms with notsent_lowat=16K, +198 ms with the defaults);
# - the SO_RCVBUF line is the one the rows bear out (the smallest request
#   within 95% of the best, else "none", naming the best of them); the
#   request found is 1 to 2.5 times the probed BDP on wan; where the path
#   loses at random, 1 to 4 BDP (the receive buffer also holds what
#   arrived behind a hole: on lossy and wifi 1bdp and 2bdp fell short of
#   95%, 4bdp mostly reached it), and when none did, the best of them was
#   at least 1 BDP and 80% of the best;
# - every UDP row the advice stands on (best, SO_RCVBUF, the verdict) lost
#   no more than the bound it printed, and that bound is the threshold
#   above the path's own loss.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

need_link
command -v python3 >/dev/null 2>&1 || skip "no python3"

# tune PROFILE 0|random-loss: one run and its checks. A run's points ran
# once each, for 50 round trips, and one of them caught on a slow spell of
# a busy VM (tub-link's loop loses the CPU, and the link its rate) moves
# what the advice may pick: CI here saw wan's notsent_lowat point fall out
# of the settings within 95% (the defaults, +184 ms, were recommended), and
# on wifi (its probe at 43.7 Mbit/s of 50) 2bdp at 66% of the defaults'
# 30.7 Mbit/s with 4bdp less. So a profile whose run or checks fail runs
# once more, said so with what failed; a fault of the advice fails both.
tune() {
	tune_once "$@"
	if [ "$rc" -ne 0 ] || [ "$r" -ne 0 ]; then
		echo "it_tune_link: $1: bench exit $rc; $(sed -n '/^AssertionError\|^noisy:/p' "$WORK/$1.py" | head -n 1): once more"
		tune_once "$@"
	fi
	check "$1: bench exit" $rc -eq 0
	[ $rc -eq 0 ] || tail -n 20 "$WORK/$1.err"
	check "$1: the advice's figures ($(tail -n 2 "$WORK/$1.py" | head -n 1))" $r -eq 0
	[ $r -eq 0 ] || sed -n '/^Traceback/,$p;/^TCP:/p;/^SO_RCVBUF/p;/^noisy:/p' "$WORK/$1.py"
	grep -E '^(TCP|SO_RCVBUF|UDP row)' "$WORK/$1.py" | grep -v '^TCP advice:  *\(=>\|sender\|receiver\)' | sort -u |
		sed "s/^/it_tune_link: $1: /"
}

tune_once() {
	timeout 170 sh "$BENCH" --bin "$BIN" --link "$1" --no-plot --no-maxrate \
		--results "$WORK/res" --label "$1" \
		--sweep 'proto=tcp kind=stream size=128K' \
		--sweep 'proto=tcp kind=stream size=128K rcvbuf=0.5bdp,1bdp,2bdp,4bdp' \
		--sweep 'proto=tcp kind=stream size=128K lopts=notsent_lowat=16K' \
		--sweep 'proto=udp kind=stream size=1400 rate=0.9x rcvbuf=16K,1M' \
		>"$WORK/$1.out" 2>"$WORK/$1.err"
	rc=$?
	RUN=$(tail -n 1 "$WORK/$1.out")
	python3 - "$RUN" "$2" >"$WORK/$1.py" 2>&1 <<'EOF'
import csv, re, sys
run, jitter = sys.argv[1], (0 if sys.argv[2] == "0" else 1)
res = list(csv.DictReader(open(f"{run}/results.csv")))
path = {r["figure"]: r for r in csv.DictReader(open(f"{run}/path.csv"))}
adv = open(f"{run}/advice.txt").read()
print(adv)
for l in adv.split("== TCP ==", 1)[1].split("\n== ", 1)[0].splitlines():
    print("TCP advice:", l)
bad = [(i + 1, r["status"], r["error"]) for i, r in enumerate(res) if r["status"] != "ok"]
assert not bad, ("failed points", bad)
rtt = float(path["rtt_min_us"]["value"])
bdp = float(path["bdp_bytes"]["value"])
tcp = adv.split("== TCP ==", 1)[1].split("\n== ", 1)[0]
best = float(re.search(r"best measured +.*?: ([0-9.]+) Mbit/s", tcp).group(1))
m = re.search(r"recommended +.*?: ([0-9.]+) Mbit/s .*added delay \+([0-9.]+) (ms|us) p50", tcp)
assert m, "no TCP recommendation"
rec, d = float(m.group(1)), float(m.group(2)) * (1000 if m.group(3) == "ms" else 1)
print(f"TCP: best {best} Mbit/s, recommended {rec} Mbit/s at +{d:.0f} us p50; RTT min {rtt:.0f} us")
assert rec >= 0.95 * best - 0.05, ("recommended under 95% of the best", rec, best)
def us(v, unit):
    return float(v) * (1000 if unit == "ms" else 1)
if jitter == 0:
    assert d <= rtt, ("recommended delay over one RTT", d, rtt)
else:
    dflt = re.search(r"kernel defaults +[0-9.]+ Mbit/s .*added delay \+([0-9.]+) (ms|us) p50", tcp)
    if dflt:
        print(f"TCP: kernel defaults at +{us(*dflt.groups()):.0f} us p50")
        assert d <= us(*dflt.groups()), ("recommended delay over the defaults'", d, dflt.groups())
# the SO_RCVBUF line against the rows: the smallest request (sndbuf left
# to the kernel) within 95% of the best stream, else the best of them
summ = [r for r in csv.DictReader(open(f"{run}/summary.csv")) if r["proto"] == "tcp" and r["kind"] == "stream"]
tried = [r for r in summ if r["rcvbuf_req_bytes"] and not r["sndbuf_req_bytes"]]
top = max(float(r["throughput_bps_mean"]) for r in summ)
assert abs(top / 1e6 - best) <= 0.05 * best, ("best measured", best, top)
within = [r for r in tried if float(r["throughput_bps_mean"]) >= 0.95 * top]
m = re.search(r"SO_RCVBUF +([0-9]+) is the smallest request", tcp)
if within:
    want = min(within, key=lambda r: int(r["rcvbuf_req_bytes"]))["rcvbuf_req_bytes"]
    assert m and m.group(1) == want, ("SO_RCVBUF pick", m and m.group(1), want)
    ratio = int(want) / bdp
    print(f"SO_RCVBUF request {want} = {ratio:.2f} x BDP {bdp:.0f}")
    assert 1 <= ratio <= (2.5 if jitter == 0 else 4), ("window request", ratio)
else:
    # on wan a request of 1 to 2.5 BDP always reached 95%; where the path
    # loses at random one 50-round-trip run of each is noisy (CI once saw
    # 4bdp at 88% of the defaults' best), and the advice must say none did
    assert jitter, "no SO_RCVBUF request reached 95% on a path without random loss"
    m = re.search(r"SO_RCVBUF +no request tried reaches 95% of the best; the best of them, ([0-9]+) ", tcp)
    assert m, "the advice claims an SO_RCVBUF request the rows do not bear out"
    up = max(tried, key=lambda r: float(r["throughput_bps_mean"]))
    assert m.group(1) == up["rcvbuf_req_bytes"], ("best of the requests", m.group(1), up["rcvbuf_req_bytes"])
    ratio = int(m.group(1)) / bdp
    print(f"SO_RCVBUF none reached 95%; the best request {m.group(1)} = {ratio:.2f} x BDP "
          f"gave {float(up['throughput_bps_mean']) / top:.0%} of the best")
    if not (ratio >= 1 and float(up["throughput_bps_mean"]) >= 0.8 * top):
        print("noisy: the best request", ratio, up["throughput_bps_mean"], top)
        sys.exit(3)
udp = adv.split("== UDP ==", 1)[1].split("\n== ", 1)[0]
thr = float(re.search(r"within the bound \(([0-9.]+)% above", udp).group(1))
p0 = float(path["path_loss_pct"]["value"])
cited = []
for l in udp.splitlines():
    if l.startswith("  best ") or l.startswith("  SO_RCVBUF "):
        cited += [int(x) for g in re.findall(r"\[rows ([0-9, ]+)\]", l) for x in g.split(", ")]
v = re.search(r"^  UDP .*\[rows ([0-9, ]+)\]$", adv, re.M)
assert v, "no UDP verdict"
cited += [int(x) for x in v.group(1).split(", ")]
printed = float(re.search(r"best +.*\(bound ([0-9.]+)%\)", udp).group(1))
assert thr + p0 <= printed <= thr + p0 + 1.0, ("bound", printed, thr, p0)
meta = dict(l.rstrip("\n").split(": ", 1) for l in open(f"{run}/meta.txt") if ": " in l)
n0 = float(meta.get("path.loss_datagrams", "0"))
for n in cited:
    r = res[n - 1]
    # each row's own bound, as the advice and the max-rate search judge:
    # the threshold above the path's loss, 3 sd of the noise of both counts
    sent = float(r["tx_rate_bps"]) * float(r["duration_req_s"]) / 8 / float(r["msg_size_bytes"])
    q = p0 / 100
    bound = thr + p0 + (300 * (q * (1 - q) * (1 / sent + (1 / n0 if n0 else 0))) ** 0.5 if p0 > 0 else 0)
    loss = float(r["udp_loss_pct"])
    print(f"UDP row {n}: loss {loss}% (bound {bound:.3g}%)")
    assert loss <= bound + 1e-3, ("a UDP row over the bound is cited", n, loss, bound)
print("ok")
EOF
	r=$?
}

tune wan 0
tune lossy random-loss
tune wifi random-loss
finish
