# util.sh: small helpers shared by the scripts (sourced; POSIX sh).
# Expects PROG (the script's name) and LIB (this directory) to be set.

say() {
  echo "$*" >&2
}

die() {
  echo "$PROG: $*" >&2
  exit 1
}

usage_error() {
  echo "$PROG: $* (see $PROG -h)" >&2
  exit 2
}

# shell_quote ARG: ARG as the shell would need it typed.
shell_quote() {
  case $1 in
    '' | *[!A-Za-z0-9_./=:,+@%-]*)
      printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}

# csv_rows FILE: data rows in FILE (0 when it does not exist).
csv_rows() {
  if [ -s "$1" ]; then echo $(($(wc -l <"$1") - 1)); else echo 0; fi
}

# csv_last FILE COL...: the named columns of the last row, tab-separated.
csv_last() {
  f=$1
  shift
  awk -v cols="$*" -f "$LIB/csv.awk" -f "$LIB/lastrow.awk" "$f"
}

# mmss SECONDS: 75 -> 1:15, 3700 -> 1:01:40.
mmss() {
  awk -v s="$1" 'BEGIN {
    s = int(s + 0.5)
    if (s >= 3600) printf "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60
    else printf "%d:%02d", s / 60, s % 60 }'
}

# need_gnuplot: 0 when gnuplot can draw; else says how to get it. It never
# installs: plot.sh runs in tests, under timeouts, and without a terminal;
# bench.sh installs gnuplot-nox before its first test (lib/install.sh).
need_gnuplot() {
  command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1; then
    hint="apt-get install -y gnuplot-nox"
    [ "$(id -u)" -eq 0 ] || hint="sudo $hint"
  elif command -v dnf >/dev/null 2>&1; then hint="sudo dnf install -y gnuplot"
  elif command -v brew >/dev/null 2>&1; then hint="brew install gnuplot"
  else hint="install gnuplot (5.0 or later)"
  fi
  say "$PROG: no charts: gnuplot is missing; to draw them: $hint"
  return 1
}

# t_table: common/stats.c's t table (tub-send --t-table), for
# aggregate.awk (plot.sh, compare.sh): from TUB_BIN (bench.sh sets it),
# else build/ in the tree (ROOT), else tub-send on the PATH. Fails when
# there is none.
t_table() {
  for s in ${TUB_BIN:+"$TUB_BIN/tub-send"} "$ROOT/build/tub-send" \
    "$(command -v tub-send 2>/dev/null)"; do
    [ -x "$s" ] && "$s" --t-table 2>/dev/null && return 0
  done
  return 1
}
