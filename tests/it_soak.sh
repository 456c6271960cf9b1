# scripts/soak.sh with 200 tests (about a minute): every kind over every
# transport against one receiver, every 7th sender killed mid-test; the
# receiver's open fds must be as after the first 10 tests, its memory about
# the same. Labelled heavy: it runs once, not again under ASan.
. "$(dirname "$0")/lib.sh"
sh "$HERE/../scripts/soak.sh" 200 --build "$BIN"
check "soak.sh: 200 tests, every check passed" $? -eq 0
finish
