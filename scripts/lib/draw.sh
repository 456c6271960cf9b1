# draw.sh: charts from prepared gnuplot files (sourced by plot.sh and
# compare.sh). Uses OUT (charts go to OUT/charts/), CHD (where charts.txt,
# NAME.vars.gp and NAME.plot.gp are), TMP, ROOT and PROG; sets DRAW_FAILED.

# valid_chart FILE: a PNG starts with its 8-byte signature, an SVG with
# "<?xml" or "<svg".
valid_chart() {
  [ -s "$1" ] || return 1
  case $1 in
    *.png) [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ;;
    *.svg) head -c 5 "$1" | grep -q '^\(<?xml\|<svg\)' ;;
  esac
}

# draw NAME W H GP: NAME.png and NAME.svg from the prepared files and
# scripts/GP.gp.
draw() {
  for fmt in png svg; do
    f=$OUT/charts/$1.$fmt
    "${GNUPLOT:-gnuplot}" -e "fmt='$fmt'; out='$f'; w=$2; h=$3" \
      -e "vars='$CHD/$1.vars.gp'; plotfile='$CHD/$1.plot.gp'" \
      "$ROOT/scripts/style.gp" "$ROOT/scripts/$4.gp" 2>"$TMP/gnuplot.err"
    # warnings are gnuplot's business; errors and broken files are ours
    if ! valid_chart "$f" || grep -v -i -e warning -e '^ *$' -e '^ *plot ' -e '^ *\^' \
      "$TMP/gnuplot.err" | grep -q .; then
      say "$PROG: $1.$fmt: gnuplot said:"
      sed 's/^/  /' "$TMP/gnuplot.err" >&2
      valid_chart "$f" || { rm -f "$f"; DRAW_FAILED=1; }
    fi
  done
}

# draw_all: every chart CHD/charts.txt names (name, caption, width,
# height, the scripts/*.gp that draws it, tab-separated).
draw_all() {
  DRAW_FAILED=0
  need_gnuplot || { DRAW_FAILED=1; return; }
  while IFS='	' read -r name _caption w h gp _say; do
    draw "$name" "$w" "$h" "$gp"
  done <"$CHD/charts.txt"
}
