#!/bin/sh
# Two emulated hosts on one machine: network namespaces NAME-a and NAME-b,
# joined by tub-link through TUN devices NAME-ta (in a, 198.18.0.1) and
# NAME-tb (in b, 198.18.0.2). tub-link runs in the root namespace; its PID
# and stats file live in /run/tub-netns/NAME/ (or /tmp/tub-netns/NAME/).
#
#   netns.sh up NAME [--profile lan|wan|lossy|wifi|satellite] [--own-cpu]
#                 [--no-steer] [tub-link opts]
#   netns.sh down NAME            stop tub-link, delete the namespaces
#   netns.sh exec NAME a|b CMD... run CMD in one side (off the link's CPU)
#   netns.sh stats NAME           fresh stats (SIGUSR1) printed on stdout
#   netns.sh cut NAME             drop every packet both ways, silently
#   netns.sh heal NAME            ... and let them pass again
#
# With --own-cpu (the last CPU) or tub-link's --cpu N, the link forwards on
# that CPU, exec keeps commands off it, and the packets it delivers go
# through the stack on the other CPUs (RPS; --no-steer: on the link's CPU,
# inside its write): the link gets a CPU of its own, as a wire does not
# share the hosts' CPUs.
# tub-link comes from $TUB_BUILD (default build/), built if missing.
# Exit status: 0 ok, 1 failed, 2 bad usage or not root.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TUB_BUILD:-$ROOT/build}
ADDR_A=198.18.0.1
ADDR_B=198.18.0.2

usage() {
	sed -n '2,22s/^# \{0,1\}//p' "$0"
	cat <<'EOF'
Profiles (each way; options after the profile override or add):
  lan        0.1 ms, 1 Gbit/s, queue 1000 packets (12 ms)
  wan        20 ms, 100 Mbit/s, queue 350 packets (one BDP, 42 ms)
  lossy      wan + 1% random loss
  wifi       5 ms +- 3 ms jitter (in order), 0.5% loss, 50 Mbit/s, 50 ms queue
  satellite  300 ms, 20 Mbit/s, queue 1000 packets (one BDP, 600 ms)
EOF
}

usage_error() {
	echo "netns.sh: $* (try --help)" >&2
	exit 2
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "netns.sh: needs root (network namespaces, TUN devices); try sudo" >&2
		exit 2
	fi
}

# NAME-ta must fit in 15 characters, and NAME ends up in patterns.
check_name() {
	case $1 in
	"" | *[!A-Za-z0-9_]*) usage_error "bad name '$1' (letters, digits, _)" ;;
	esac
	[ ${#1} -le 12 ] || usage_error "name '$1' longer than 12 characters"
}

profile_opts() {
	case $1 in
	lan) echo "--delay 100us --rate 1gbit --queue 1000" ;;
	wan) echo "--delay 20ms --rate 100mbit --queue 350" ;;
	lossy) echo "--delay 20ms --rate 100mbit --queue 350 --loss 1%" ;;
	wifi) echo "--delay 5ms --jitter 3ms --loss 0.5% --rate 50mbit --queue-ms 50" ;;
	satellite) echo "--delay 300ms --rate 20mbit --queue 1000" ;;
	*) return 1 ;;
	esac
}

# Where the state of NAME is (or would go).
state_base() {
	if mkdir -p /run/tub-netns 2>/dev/null && [ -w /run/tub-netns ]; then
		echo /run/tub-netns
	else
		echo /tmp/tub-netns
	fi
}

find_state() {
	for b in /run/tub-netns /tmp/tub-netns; do
		if [ -d "$b/$1" ]; then
			echo "$b/$1"
			return 0
		fi
	done
	return 1
}

# Whether PID is the tub-link of NAME (not a recycled PID).
is_our_link() {
	[ -n "$1" ] && [ -r "/proc/$1/cmdline" ] &&
		tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null |
		grep -q -- "tub-link .*--dev-a $2-ta "
}

link_pid() {
	st=$(find_state "$1") || return 1
	pid=$(cat "$st/pid" 2>/dev/null) || return 1
	is_our_link "$pid" "$1" || return 1
	echo "$pid"
}

ns_exists() {
	ip netns list 2>/dev/null | grep -q "^$1\( \|$\)"
}

cmd_down() {
	name=$1
	for st in /run/tub-netns/"$name" /tmp/tub-netns/"$name"; do
		pid=$(cat "$st/pid" 2>/dev/null) || pid=""
		if is_our_link "$pid" "$name"; then
			kill -TERM "$pid" 2>/dev/null
			i=0
			while [ -d "/proc/$pid" ] && [ $i -lt 30 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	ip netns del "$name-a" 2>/dev/null
	ip netns del "$name-b" 2>/dev/null
	rm -rf /run/tub-netns/"$name" /tmp/tub-netns/"$name"
	return 0
}

# Failing half-way up: say why, show tub-link's log, undo, exit.
up_fail() {
	echo "netns.sh: $NAME: $*" >&2
	[ -s "$ST/log" ] && sed 's/^/  /' "$ST/log" >&2
	cmd_down "$NAME"
	exit 1
}

build_if_missing() {
	[ -x "$BIN/tub-link" ] && return 0
	echo "netns.sh: building tub-link in $BIN" >&2
	{ cmake -S "$ROOT" -B "$BIN" >/dev/null &&
		cmake --build "$BIN" -j "$(nproc)" >/dev/null; } ||
		{ echo "netns.sh: build failed" >&2; exit 1; }
}

# Move the device into its namespace, address it, bring it up.
setup_side() { # ns dev local peer
	ip link set dev "$2" netns "$1" || return 1
	# No IPv6 on the link: no router solicitations or MLD reports
	# crossing it and disturbing the counts.
	ip netns exec "$1" sh -c "f=/proc/sys/net/ipv6/conf/$2/disable_ipv6; \
		[ ! -e \$f ] || echo 1 >\$f" || return 1
	ip -n "$1" addr add "$3" peer "$4" dev "$2" || return 1
	ip -n "$1" link set dev "$2" up || return 1
	ip -n "$1" link set dev lo up || return 1
}

# link_cpu ARGS...: the N of a --cpu N (or --cpu=N) among tub-link's options.
link_cpu() {
	cpu=""
	while [ $# -gt 0 ]; do
		case $1 in
		--cpu) cpu=${2:-}; shift ;;
		--cpu=*) cpu=${1#--cpu=} ;;
		esac
		shift
	done
	echo "$cpu"
}

# other_cpus N: the online CPUs but N, as a list for taskset ("0,2,3");
# empty when there is no other.
other_cpus() {
	awk -v skip="$1" -F, '{
		for (i = 1; i <= NF; i++) {
			n = split($i, r, "-")
			for (c = r[1]; c <= r[n]; c++)
				if (c != skip)
					out = out (out == "" ? "" : ",") c
		}
	} END { print out }' /sys/devices/system/cpu/online
}

# cpu_mask LIST: a CPU list ("0,2,3") as sysfs writes a mask: hex words
# of 32 CPUs, most significant first, comma-separated ("d").
cpu_mask() {
	echo "$1" | awk -F, '{
		top = 0
		for (i = 1; i <= NF; i++) {
			w = int($i / 32)
			word[w] += 2 ^ ($i % 32)
			if (w > top) top = w
		}
		out = sprintf("%x", word[top])
		for (w = top - 1; w >= 0; w--) out = out sprintf(",%08x", word[w])
		print out
	}'
}

# steer_rx NS DEV CPUS: packets tub-link writes to DEV are taken through the
# stack on CPUS (receive packet steering), so the host's own work (IP, TCP,
# and what TCP sends in answer) runs on the host's CPUs, not the link's.
steer_rx() {
	ip netns exec "$1" sh -c "echo $(cpu_mask "$3") >/sys/class/net/$2/queues/rx-0/rps_cpus"
}

cmd_up() {
	NAME=$1
	shift
	popts=""
	own=""
	steer=1
	while :; do
		case ${1:-} in
		--profile)
			[ $# -ge 2 ] || usage_error "--profile needs a name"
			popts=$(profile_opts "$2") || usage_error "unknown profile '$2'"
			shift 2
			;;
		--own-cpu)
			own=$(sed -n 's/.*[-,]\([0-9]*\)$/\1/p' /sys/devices/system/cpu/online)
			[ -n "$own" ] ||
				echo "netns.sh: one CPU: the link shares it with the endpoints" >&2
			shift
			;;
		--no-steer)
			steer=0
			shift
			;;
		*) break ;;
		esac
	done
	if pid=$(link_pid "$NAME"); then
		echo "netns.sh: $NAME is up already (tub-link $pid); netns.sh down $NAME first" >&2
		exit 1
	fi
	if find_state "$NAME" >/dev/null; then
		cmd_down "$NAME" # the leftovers of a crash
	fi
	for ns in "$NAME-a" "$NAME-b"; do
		if ns_exists "$ns"; then
			echo "netns.sh: namespace $ns exists and is not ours" >&2
			exit 1
		fi
	done
	build_if_missing
	ST=$(state_base)/$NAME
	mkdir -p "$ST" || { echo "netns.sh: cannot create $ST" >&2; exit 1; }
	# In a session of its own: a Ctrl-C on the terminal of whoever brought
	# the link up (bench.sh stopping after its test) must not cut the link
	# under that test; netns.sh down stops it. setsid does not fork here
	# (a background job of a script leads no process group), so $! is
	# tub-link's PID.
	ss=""
	command -v setsid >/dev/null 2>&1 && ss=setsid
	# shellcheck disable=SC2086 # the profile's words are options
	$ss "$BIN/tub-link" --dev-a "$NAME-ta" --dev-b "$NAME-tb" \
		--stats "$ST/stats.csv" --ready-file "$ST/ready" \
		--cut-file "$ST/cut" \
		$popts ${own:+--cpu "$own"} "$@" </dev/null >"$ST/log" 2>&1 &
	pid=$!
	echo "$pid" >"$ST/pid"
	echo "$ST/stats.csv" >"$ST/stats_path"
	link_cpu ${own:+--cpu "$own"} "$@" >"$ST/cpu"
	i=0
	while [ ! -f "$ST/ready" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			[ -s "$ST/log" ] && cat "$ST/log" >&2
			cmd_down "$NAME"
			[ $rc -eq 2 ] && exit 2
			echo "netns.sh: $NAME: tub-link failed (status $rc)" >&2
			exit 1
		fi
		i=$((i + 1))
		[ $i -le 100 ] || up_fail "tub-link not ready after 10 s"
		sleep 0.1
	done
	ip netns add "$NAME-a" || up_fail "cannot create namespace $NAME-a"
	ip netns add "$NAME-b" || up_fail "cannot create namespace $NAME-b"
	setup_side "$NAME-a" "$NAME-ta" "$ADDR_A" "$ADDR_B" ||
		up_fail "cannot set up side a"
	setup_side "$NAME-b" "$NAME-tb" "$ADDR_B" "$ADDR_A" ||
		up_fail "cannot set up side b"
	cpu=$(cat "$ST/cpu")
	if [ "$steer" -eq 1 ] && [ -n "$cpu" ] && others=$(other_cpus "$cpu") &&
		[ -n "$others" ]; then
		steer_rx "$NAME-a" "$NAME-ta" "$others" &&
			steer_rx "$NAME-b" "$NAME-tb" "$others" ||
			up_fail "cannot steer received packets to CPUs $others"
	fi
	echo "netns.sh: $NAME up: $NAME-a ($ADDR_A) <-> $NAME-b ($ADDR_B)," \
		"tub-link $pid${cpu:+ on CPU $cpu of its own}, stats $ST/stats.csv"
}

# signal_stats NAME SIGNAL: send tub-link the signal and wait for the stats
# file it writes in answer.
signal_stats() {
	pid=$(link_pid "$1") || { echo "netns.sh: $1 is not up" >&2; exit 1; }
	st=$(find_state "$1")
	rm -f "$st/stats.csv"
	kill -"$2" "$pid" || exit 1
	i=0
	while [ ! -f "$st/stats.csv" ]; do
		i=$((i + 1))
		[ $i -le 50 ] || { echo "netns.sh: no stats from tub-link" >&2; exit 1; }
		sleep 0.05
	done
}

cmd_stats() {
	signal_stats "$1" USR1
	cat "$st/stats.csv"
}

# A cut is tub-link's: while the file cut exists in its state directory it
# drops every packet it reads, both ways, without a word (no ICMP, no RST),
# as a dead path does. SIGUSR2 makes it look; its stats file answering says
# the change is made.
cmd_cut() {
	link_pid "$1" >/dev/null || { echo "netns.sh: $1 is not up" >&2; exit 1; }
	st=$(find_state "$1")
	if [ "$2" = cut ]; then
		: >"$st/cut" || exit 1
	else
		rm -f "$st/cut" || exit 1
	fi
	signal_stats "$1" USR2
}

case ${1:-} in
-h | --help | help)
	usage
	exit 0
	;;
up | down | stats | cut | heal)
	[ $# -ge 2 ] || usage_error "$1 needs a NAME"
	cmd=$1
	check_name "$2"
	need_root
	shift
	case $cmd in
	up) cmd_up "$@" ;;
	down)
		[ $# -eq 1 ] || usage_error "down takes only a NAME"
		cmd_down "$1"
		;;
	stats)
		[ $# -eq 1 ] || usage_error "stats takes only a NAME"
		cmd_stats "$1"
		;;
	cut | heal)
		[ $# -eq 1 ] || usage_error "$cmd takes only a NAME"
		cmd_cut "$1" "$cmd"
		;;
	esac
	;;
exec)
	[ $# -ge 4 ] || usage_error "usage: exec NAME a|b CMD..."
	check_name "$2"
	case $3 in
	a | b) ;;
	*) usage_error "side must be a or b, not '$3'" ;;
	esac
	need_root
	ns=$2-$3
	ns_exists "$ns" || { echo "netns.sh: no namespace $ns (netns.sh up $2)" >&2; exit 1; }
	st=$(find_state "$2")
	shift 3
	[ -n "$st" ] && cpu=$(cat "$st/cpu" 2>/dev/null) &&
		[ -n "$cpu" ] && others=$(other_cpus "$cpu") && [ -n "$others" ] &&
		command -v taskset >/dev/null &&
		exec taskset -c "$others" ip netns exec "$ns" "$@"
	exec ip netns exec "$ns" "$@"
	;;
"")
	usage_error "no command (up, down, exec, stats, cut, heal)"
	;;
*)
	usage_error "unknown command '$1'"
	;;
esac
