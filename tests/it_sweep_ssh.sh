# scripts/bench.sh --ssh against this machine: a private sshd on a free
# port of 127.0.0.1 with throwaway host and user keys; bench.sh copies the
# source over ssh, builds tub-recv there, runs a short sweep, collects the
# receiver's facts and cleans up. Skipped (with the reason) without an ssh
# server and client.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
SSHD_PID=""

skip() {
	echo "it_sweep_ssh: skipped: $*"
	echo "it_sweep_ssh: 0 passed, 0 failed"
	exit 0
}

stop_sshd() {
	[ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=""
	cleanup
}
trap stop_sshd EXIT INT TERM

[ -x /usr/sbin/sshd ] || skip "no /usr/sbin/sshd (Debian: apt-get install -y openssh-server)"
for t in ssh ssh-keygen cmake make; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t"
done
[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd   # privilege separation needs it as root

# A free port: bind 0 and read it back.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key" || skip "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/user_key"
cp "$WORK/user_key.pub" "$WORK/authorized_keys"
chmod 600 "$WORK/authorized_keys"
cat >"$WORK/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/host_key
AuthorizedKeysFile $WORK/authorized_keys
PidFile $WORK/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
EOF
/usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>"$WORK/sshd.log" &
SSHD_PID=$!
SSH_OPTS="-p $PORT -i $WORK/user_key -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=$WORK/known_hosts -o LogLevel=ERROR"
USER_HOST="$(id -un)@127.0.0.1"
up=0
for _ in $(seq 1 50); do
	# shellcheck disable=SC2086
	ssh $SSH_OPTS -o BatchMode=yes "$USER_HOST" true 2>/dev/null && { up=1; break; }
	kill -0 "$SSHD_PID" 2>/dev/null || break
	sleep 0.1
done
[ $up -eq 1 ] || { cat "$WORK/sshd.log"; skip "the test sshd did not let us in"; }

timeout 58 sh "$BENCH" --bin "$BIN" --ssh "$USER_HOST" --ssh-opts "$SSH_OPTS" \
	--sweep 'proto=tcp,udp kind=stream,rr size=1400' --duration 0.3 --no-plot \
	--results "$WORK/res" --label ssh >"$WORK/out" 2>"$WORK/err"
rc=$?
check "bench --ssh exit" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/err"
RUN=$(tail -n 1 "$WORK/out")
check "4 rows" "$(wc -l <"$RUN/results.csv")" -eq 5
check "all ok" "$(grep -c ',ok,' "$RUN/results.csv")" -eq 4
check "receiver_host in the rows" "$(col "$RUN/results.csv" receiver_host)" = "$(uname -n)"
check "meta has the receiver's rmem_max" -n "$(grep '^receiver\.net\.core\.rmem_max: [0-9]' "$RUN/meta.txt")"
check "meta has the receiver's kernel" -n "$(grep '^receiver\.kernel: ' "$RUN/meta.txt")"
check "meta says ssh" -n "$(grep '^link: network to 127.0.0.1 (receiver started over ssh' "$RUN/meta.txt")"
RDIR=$(sed -n 's/^ssh: copying the source to [^:]*:\(\/tmp\/tub-bench\.[A-Za-z0-9]*\) .*/\1/p' "$WORK/err")
check "the remote directory was named" -n "$RDIR"
check "the remote directory is gone" ! -e "${RDIR:-/nonexistent}"
RPORT=$(sed -n 's/^ssh: tub-recv listening on .* port \([0-9]*\)$/\1/p' "$WORK/err")
check "the remote receiver had a port" -n "$RPORT"
"$BIN/tub-send" -c 127.0.0.1 -p "${RPORT:-1}" -n 1 --connect-timeout 1 -q \
	--csv "$WORK/probe.csv" 2>/dev/null
check "the remote receiver is stopped" "$(col "$WORK/probe.csv" status)" = connect_failed
check "its log came back" -n "$(grep 'listening on port' "$RUN/recv.log")"
finish
