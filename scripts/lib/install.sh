# install.sh: the packages a command needs, installed before it starts any
# work (sourced by bench.sh and test.sh; POSIX sh). Expects PROG.
#
# install_missing 'REQUIRED' 'OPTIONAL' takes two lists of Debian package
# names. What is already here (a command or a file the package provides,
# see pkg_present) is left alone. The rest is installed with apt-get when
# all of these hold: we run as root, apt-get exists, TUB_NO_INSTALL is not
# 1. OPTIONAL ones only when apt has them; without them the command does
# less (no charts, no fuzzers) and says so itself. When REQUIRED ones are
# missing and cannot be installed, it prints one line with the command to
# run and returns 2.
#
# TUB_NO_INSTALL=1: never install. tests/lib.sh, scripts/test.sh and
# ctest (CMakeLists.txt) set it for every test: a test must not install,
# and a timeout killing apt-get leaves dpkg broken.

install_say() {
  echo "$PROG: $*" >&2
}

# install_have CMD: CMD is on PATH, or in the sbin directories that only
# root's PATH has.
install_have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]
}

# pkg_present PKG: what the Debian package PKG gives us is here, whoever
# installed it; for packages not named here, dpkg's word.
pkg_present() {
  case $1 in
    gcc) install_have gcc || install_have cc ;;
    libc6-dev) [ -e /usr/include/stdio.h ] ;;
    iproute2) install_have ip ;;
    gnuplot-nox) install_have "${GNUPLOT:-gnuplot}" ;;
    openssh-server) [ -x /usr/sbin/sshd ] ;;
    nftables) install_have nft ;;
    cmake | make | python3 | clang) install_have "$1" ;;
    # tests/it_report_browser takes either browser
    chromium-headless-shell) install_have chromium-headless-shell || install_have chromium ;;
    *) dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q ' installed$' ;;
  esac
}

# pkgs_missing PKG...: those of PKG not here, on one line.
pkgs_missing() {
  _out=""
  for _p in "$@"; do
    pkg_present "$_p" || _out="$_out $_p"
  done
  echo "${_out# }"
}

# apt_candidates PKG...: those of PKG apt's lists hold, each after a space.
apt_candidates() {
  for _p in "$@"; do
    if apt-cache policy "$_p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
      printf ' %s' "$_p"
    fi
  done
}

# install_hint PKG...: the one line saying how to get PKG.
install_hint() {
  if command -v apt-get >/dev/null 2>&1; then
    _sudo="sudo "
    [ "$(id -u)" -eq 0 ] && _sudo=""
    _why=""
    [ "${TUB_NO_INSTALL:-0}" = 1 ] && _why=" (not installing: TUB_NO_INSTALL=1)"
    install_say "missing $*$_why; run: ${_sudo}apt-get install -y $*"
  else
    install_say "missing $* (Debian's names); install them with this system's package manager"
  fi
}

# apt_install LOG PKG...: apt-get install, its output into LOG. Waits for
# another apt-get or dpkg holding the lock rather than failing at once.
apt_install() {
  _log=$1
  shift
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "$@" >>"$_log" 2>&1
}

# install_with_apt 'REQUIRED' 'OPTIONAL': as root; 0 when every REQUIRED
# package is here afterwards.
install_with_apt() {
  _log=$(mktemp "${TMPDIR:-/tmp}/tub-apt.XXXXXX") || return 1
  # An install killed half way (a timeout, a Ctrl-C) blocks every later
  # one until dpkg finishes it.
  if [ -n "$(dpkg --audit 2>/dev/null)" ]; then
    install_say "dpkg was interrupted before; finishing it: dpkg --configure -a"
    DEBIAN_FRONTEND=noninteractive dpkg --configure -a >>"$_log" 2>&1
  fi
  # shellcheck disable=SC2086 # lists of names
  _pkgs="$1$(apt_candidates $2)"
  _pkgs=${_pkgs# }
  if [ -n "$_pkgs" ]; then
    install_say "installing $_pkgs (apt-get) ..."
    # shellcheck disable=SC2086
    apt_install "$_log" $_pkgs
    _rc=$?
  else
    _rc=0   # only optional ones, and apt has none of them
  fi
  # Stale lists name files the mirror no longer has, and a fresh system
  # has no lists at all: update them and try once more.
  if [ $_rc -ne 0 ]; then
    : >"$_log"
    install_say "updating apt's package lists (apt-get update) ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 \
      >>"$_log" 2>&1 || install_say "apt-get update failed; trying the lists there are"
    # shellcheck disable=SC2086
    _pkgs="$1$(apt_candidates $2)"
    _pkgs=${_pkgs# }
    if [ -n "$_pkgs" ]; then
      install_say "installing $_pkgs (apt-get) ..."
      # shellcheck disable=SC2086
      apt_install "$_log" $_pkgs ||
        { install_say "apt-get install failed; its last lines:"; tail -n 12 "$_log" | sed 's/^/  /' >&2; }
    fi
  fi
  rm -f "$_log"
  for _p in $2; do
    case " $_pkgs " in
      *" $_p "*) ;;
      *) install_say "not installing $_p: apt has no such package" ;;
    esac
  done
  # shellcheck disable=SC2086
  _left=$(pkgs_missing $1)
  [ -z "$_left" ] && return 0
  install_say "still missing after apt-get: $_left"
  return 1
}

# install_missing 'REQUIRED' 'OPTIONAL': see the top of this file. Returns
# 0 when every REQUIRED package is here, 2 when some are missing and this
# may not install them, 1 when installing them failed.
install_missing() {
  # shellcheck disable=SC2086 # lists of names
  _req=$(pkgs_missing $1)
  # shellcheck disable=SC2086
  _opt=$(pkgs_missing $2)
  [ -n "$_req$_opt" ] || return 0
  if [ "${TUB_NO_INSTALL:-0}" = 1 ] || [ "$(id -u)" -ne 0 ] ||
    ! command -v apt-get >/dev/null 2>&1; then
    [ -n "$_req" ] || return 0   # the optional ones: the command says what it skips
    # shellcheck disable=SC2086
    command -v apt-get >/dev/null 2>&1 && _req="$_req$(apt_candidates $_opt)"
    # shellcheck disable=SC2086
    install_hint $_req
    return 2
  fi
  install_with_apt "$_req" "$_opt"
}
