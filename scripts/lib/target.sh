# target.sh: the receiving end of bench.sh (sourced). One of four modes:
#   local  tub-recv on 127.0.0.1, started and stopped here
#   peer   a tub-recv someone started on --peer HOST
#   ssh    tub-recv built and started on --ssh [USER@]HOST, over ssh only
#   link   tub-recv in namespace b of an emulated link (scripts/netns.sh),
#          tub-send in namespace a
# target_start sets HOST (where tub-send connects), PORT and SEND_WRAP
# (a command prefix for tub-send); target_stop undoes what was started.
# Uses RUN, WORK, BIN, ROOT, LIB and the options of bench.sh.

RECV_PID=""
REMOTE_DIR=""
LINK_NAME=""
LINK_CPU=""
SEND_WRAP=""

# ---- local ----

# spawn_receiver LOG CMD...: start a tub-recv in the background (in its
# own session where setsid exists, so a Ctrl-C on the terminal reaches
# tub-send, which finishes its row, but not the receiver it talks to).
spawn_receiver() {
  log=$1
  shift
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >"$log" 2>&1 &
  else
    "$@" </dev/null >"$log" 2>&1 &
  fi
  RECV_PID=$!
}

# wait_port LOG: the port a tub-recv printed into LOG, within 10 s.
wait_port() {
  i=0
  while [ $i -lt 100 ]; do
    PORT=$(sed -n 's/^tub-recv: listening on port \([0-9][0-9]*\)$/\1/p' "$1" 2>/dev/null)
    [ -n "$PORT" ] && return 0
    kill -0 "$RECV_PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  say "$PROG: tub-recv did not start:"
  cat "$1" >&2
  return 1
}

local_start() {
  HOST=127.0.0.1
  spawn_receiver "$RUN/recv.log" "$BIN/tub-recv" -p 0 -B "$HOST"
  wait_port "$RUN/recv.log" || exit 1
}

receiver_stop() {
  [ -n "$RECV_PID" ] || return 0
  kill "$RECV_PID" 2>/dev/null
  wait "$RECV_PID" 2>/dev/null
  RECV_PID=""
}

# ---- ssh ----

# ssh_run ARGS...: one command on the ssh host, over one shared connection.
ssh_run() {
  # shellcheck disable=SC2086 # SSH_OPTS is several words on purpose
  ssh $SSH_OPTS -o BatchMode=yes -o ControlMaster=auto \
    -o ControlPath="$WORK/ssh-%C" -o ControlPersist=600 "$SSH" "$@"
}

# remote CMD [DIR]: scripts/lib/remote.sh on the ssh host.
remote() {
  ssh_run sh -s -- "$@" <"$LIB/remote.sh"
}

# The source tree, without builds, results and git's objects.
source_tarball() {
  tar -C "$ROOT" -cf - --exclude=./.git --exclude='./build*' --exclude=./results .
}

ssh_start() {
  HOST=${PEER:-${SSH#*@}}
  say "ssh: connecting to $SSH"
  REMOTE_DIR=$(remote mkdir) || die "ssh: cannot run commands on $SSH (see the lines above)"
  say "ssh: copying the source to $SSH:$REMOTE_DIR and building tub-recv there ..."
  source_tarball | ssh_run tar -xf - -C "$REMOTE_DIR" ||
    die "ssh: copying the source to $SSH failed"
  remote build "$REMOTE_DIR" || die "ssh: building on $SSH failed"
  PORT=$(remote start "$REMOTE_DIR") || die "ssh: tub-recv did not start on $SSH"
  say "ssh: tub-recv listening on $HOST port $PORT"
}

ssh_stop() {
  [ -n "$REMOTE_DIR" ] || return 0
  remote stop "$REMOTE_DIR" >"$RUN/recv.log" 2>&1
  REMOTE_DIR=""
  ssh_run -O exit >/dev/null 2>&1
}

# ---- emulated link ----

NETNS_A=198.18.0.1
NETNS_B=198.18.0.2

netns() {
  TUB_BUILD=$BIN sh "$ROOT/scripts/netns.sh" "$@"
}

link_start() {
  [ "$(id -u)" -eq 0 ] ||
    die "--link needs root (network namespaces and TUN devices): run it with sudo"
  [ -f "$ROOT/scripts/netns.sh" ] || die "--link needs scripts/netns.sh, which is missing"
  LINK_NAME=$(printf 'tb%.10s' "$$")
  # With two CPUs or more, the link forwards on the last one and the
  # endpoints run on the others: on a shared CPU its delay error would be
  # the scheduler's.
  # Steering the packets the link delivers to the hosts' CPUs makes the
  # link exact, but on two CPUs it leaves both hosts one CPU for both their
  # stacks: across lan, TCP with 1400-byte writes made 579 Mbit/s steered
  # and 960 not (the link's delay error p99 678 us and 376 us over the
  # suite). So by default only with three CPUs or more.
  if [ -z "$LINK_STEER" ]; then
    LINK_STEER=no
    [ "$(nproc)" -ge 3 ] && LINK_STEER=yes
  fi
  nosteer=""
  [ "$LINK_STEER" = no ] && nosteer=--no-steer
  netns up "$LINK_NAME" --profile "$LINK" --own-cpu $nosteer >"$RUN/link.log" 2>&1 ||
    { cat "$RUN/link.log" >&2; LINK_NAME=""; die "--link $LINK: the link did not come up"; }
  LINK_CPU=$(sed -n 's/.* on CPU \([0-9]*\) of its own.*/\1/p' "$RUN/link.log")
  HOST=$NETNS_B
  SEND_WRAP="sh $ROOT/scripts/netns.sh exec $LINK_NAME a"
  spawn_receiver "$RUN/recv.log" env TUB_BUILD="$BIN" sh "$ROOT/scripts/netns.sh" \
    exec "$LINK_NAME" b "$BIN/tub-recv" -p 0 -B "$HOST"
  wait_port "$RUN/recv.log" || exit 1
}

# link_profile_text: the profile's line of netns.sh --help.
link_profile_text() {
  sh "$ROOT/scripts/netns.sh" --help 2>/dev/null |
    sed -n "s/^ *$LINK  *//p" | head -n 1
}

link_stop() {
  [ -n "$LINK_NAME" ] || return 0
  netns stats "$LINK_NAME" >"$RUN/link_stats.csv" 2>/dev/null ||
    rm -f "$RUN/link_stats.csv"
  receiver_stop
  netns down "$LINK_NAME" >>"$RUN/link.log" 2>&1
  LINK_NAME=""
}

# ---- the interface bench.sh uses ----

target_start() {
  case $MODE in
    local) local_start ;;
    peer) HOST=$PEER; PORT=${PEER_PORT:-5799} ;;
    ssh) ssh_start ;;
    link) link_start ;;
  esac
}

target_stop() {
  case $MODE in
    local) receiver_stop ;;
    ssh) ssh_stop ;;
    link) link_stop ;;
  esac
}

# receiver_info: hostinfo.sh of the receiving host, keys prefixed
# "receiver."; nothing where it cannot be had.
receiver_info() {
  case $MODE in
    ssh) ssh_run sh -s -- "$(local_addr)" <"$LIB/hostinfo.sh" ;;
    link) netns exec "$LINK_NAME" b sh "$LIB/hostinfo.sh" "$NETNS_A" ;;
    *) return 0 ;;
  esac 2>"$WORK/receiver_info.err" | sed "s/^/receiver./"
}

# receiver_sysctl KEY: the receiving host's sysctl KEY read now (across
# --link in namespace b, where it is its own); nothing where it cannot be
# had (--peer).
receiver_sysctl() {
  f=/proc/sys/$(echo "$1" | tr . /)
  case $MODE in
    local) cat "$f" ;;
    link) netns exec "$LINK_NAME" b cat "$f" ;;
    ssh) ssh_run cat "$f" </dev/null ;;
    *) return 0 ;;
  esac 2>/dev/null | tr -d ' \t' | grep -E '^[0-9]+$'
}

# local_addr: this host's address as the ssh host sees it (for its route).
local_addr() {
  # shellcheck disable=SC2016 # expanded by the remote shell
  ssh_run 'echo "${SSH_CLIENT%% *}"' 2>/dev/null
}

# describe_link: the "link:" line of meta.txt.
describe_link() {
  case $MODE in
    local) echo "loopback" ;;
    peer) echo "network to $PEER" ;;
    ssh) echo "network to $HOST (receiver started over ssh on $SSH)" ;;
    link)
      where=""
      if [ -n "$LINK_CPU" ] && [ "$LINK_STEER" = yes ]; then
        where=", on CPU $LINK_CPU of its own; the hosts' stacks on the others (--link-steer yes)"
      elif [ -n "$LINK_CPU" ]; then
        where=", on CPU $LINK_CPU of its own, which also takes what it delivers through the hosts' stacks (--link-steer no)"
      fi
      echo "emulated $LINK: $(link_profile_text) (tub-link between namespaces$where)" ;;
  esac
}
