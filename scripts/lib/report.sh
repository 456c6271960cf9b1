# report.sh: report.md and index.html in OUT (sourced by plot.sh): the
# runs, every chart drawn with a sentence on what it shows for this run
# (when plotdata.awk made one) and a line on how to read it, the results
# table, the max-rate searches and the tuning advice. Uses OUT, RUNS,
# NRUNS, CHD (the chart data: charts.txt), LIB and DRAW_FAILED.

# chart_heading NAME: the chart's heading.
chart_heading() {
  case $1 in
    throughput_buffers) echo "Throughput vs socket buffer size" ;;
    delay_buffers) echo "Added message delay vs socket buffer size" ;;
    throughput_delay) echo "Throughput vs added message delay: what each setting costs" ;;
    throughput_size) echo "Throughput vs message size" ;;
    throughput_heatmap_*) echo "Throughput vs both buffers ($(echo "${1#throughput_heatmap_}" | tr a-z A-Z))" ;;
    rtt_size) echo "Round-trip time vs message size" ;;
    cpu_size) echo "CPU per GB delivered vs message size, both ends" ;;
    rtt_cdf) echo "Round-trip time distribution" ;;
    udp_loss_rate) echo "UDP loss and jitter vs offered rate" ;;
    maxrate_rcvbuf) echo "Highest loss-free UDP rate vs SO_RCVBUF" ;;
    intervals) echo "Throughput over time" ;;
    fill_tcp) echo "How much send() takes before it blocks (TCP fill)" ;;
    fill_udp) echo "What a UDP socket nobody reads holds and drops (UDP fill)" ;;
    connect) echo "A fresh connection per exchange (connect)" ;;
    linger) echo "What SO_LINGER does to close() (linger)" ;;
    *) echo "$1" ;;
  esac
}

# meta_value RUN KEY: a line of the run's meta.txt.
meta_value() {
  sed -n "s/^$2: //p" "$1/meta.txt" 2>/dev/null | head -n 1
}

# rel PATH: PATH relative to OUT when it is inside OUT's parent.
rel() {
  case $1 in
    "$OUT") echo . ;;
    "$(dirname "$OUT")"/*) echo "../${1#"$(dirname "$OUT")"/}" ;;
    *) echo "$1" ;;
  esac
}

html_escape() {
  sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'
}

# The text blocks of one run: the table, the searches, the advice.
run_table() {
  [ -s "$1/summary.csv" ] && awk -f "$LIB/csv.awk" -f "$LIB/table.awk" "$1/summary.csv"
}

maxrate_table() {
  [ -s "$1/maxrate.csv" ] || return 0
  awk -F, -f "$LIB/csv.awk" -f /dev/stdin "$1/maxrate.csv" <<'EOF'
NR == 1 { printf "%-9s %-10s %-10s %-26s %-9s %-8s %s\n", "message", "rcvbuf", "granted", "highest rate within loss", "loss", "trials", "status"; next }
{ printf "%-9s %-10s %-10s %-26s %-9s %-8s %s\n", fmt_size($3), ($5 == "" ? "default" : fmt_buf($5)), $6,
    ($9 == "" ? "-" : fmt_bits($9)), ($12 == "" ? "-" : sprintf("%.3g%%", $12)), $14, $18 }
EOF
}

# run_lines RUN: the facts about a run, as list items.
run_lines() {
  where=$(rel "$1")
  echo "- run: $(meta_value "$1" run_id)$([ "$where" = . ] || echo " ($where)")"
  echo "- link: $(meta_value "$1" link)"
  path=$(meta_value "$1" path)
  [ -z "$path" ] || echo "- path: $path (path.csv)"
  echo "- sender: $(meta_value "$1" hostname), $(meta_value "$1" kernel); receiver: $(meta_value "$1" receiver.hostname)"
  echo "- suite: $(meta_value "$1" suite); $(meta_value "$1" plan)"
  echo "- date: $(meta_value "$1" date)"
  echo "- command: \`$(meta_value "$1" command)\`"
}

# verdict RUN: the advice's verdict table and each transport's
# recommendation, on top of the report (the whole advice is below).
verdict() {
  [ -s "$1/advice.txt" ] && grep -q '^Verdict on this path' "$1/advice.txt" || return 0
  echo
  echo "## Verdict"
  echo
  echo '```'
  awk '/^Verdict on this path/ { on = 1 } on && /^$/ { exit } on' "$1/advice.txt"
  # a recommendation, its "=>" and the calls right under that "=>" (not
  # those under other lines, such as UDP's SO_RCVBUF, which no
  # recommendation heads)
  awk '/^== / { sec = $2 } /^    (sender|receiver): / { if (calls) print; next } { calls = 0 }
    /^  recommended / { sub(/^  recommended +/, ""); print sec " recommended: " $0 }
    /^  =>  / { sub(/^  => +/, ""); print "  => " $0; calls = 1 }' "$1/advice.txt"
  echo '```'
  echo
  echo "(advice.txt, below: the figures behind it)"
}

write_markdown() {
  first=$(printf '%s' "$RUNS" | sed -n 1p)
  {
    if [ "$NRUNS" -eq 1 ]; then
      echo "# tcpudp-bench: $(meta_value "$first" run_id)"
      echo
      run_lines "$first" | sed 's/receiver: $/receiver: the same host/'
      verdict "$first"
    else
      echo "# tcpudp-bench: $NRUNS runs compared"
      echo
      printf '%s' "$RUNS" | while IFS= read -r run; do
        echo "## $(meta_value "$run" label)"
        run_lines "$run"
        echo
      done
    fi
    echo
    [ "$DRAW_FAILED" -eq 0 ] || echo "Some charts could not be drawn (see the messages of plot.sh)."
    while IFS='	' read -r name caption _w _h _gp say; do
      [ -f "$OUT/charts/$name.png" ] || continue
      echo "## $(chart_heading "$name")"
      echo
      if [ -n "$say" ]; then
        echo "$say"
        echo
      fi
      echo "$caption"
      echo
      echo "![$(chart_heading "$name")](charts/$name.png) ([SVG](charts/$name.svg))"
      echo
    done <"$CHD/charts.txt"
    printf '%s' "$RUNS" | while IFS= read -r run; do
      suffix=""
      [ "$NRUNS" -gt 1 ] && suffix=": $(meta_value "$run" label)"
      echo "## Results$suffix"
      echo
      echo "Means over each point's repetitions (summary.csv; n = runs with status ok)."
      echo
      echo '```'
      run_table "$run"
      echo '```'
      if [ -s "$run/maxrate.csv" ]; then
        echo
        echo "Max-rate searches (maxrate.csv):"
        echo
        echo '```'
        maxrate_table "$run"
        echo '```'
      fi
      if [ -s "$run/advice.txt" ]; then
        echo
        echo "## Tuning advice$suffix"
        echo
        echo '```'
        cat "$run/advice.txt"
        echo '```'
      fi
      echo
    done
    echo "## Files"
    echo
    echo "results.csv (one row per test), summary.csv (per point: n, mean, sd, 95% CI, min, max),"
    echo "intervals.csv (per-interval samples), maxrate.csv and maxrate_trials.csv (the searches),"
    echo "advice.txt, meta.txt (both hosts), suite.txt and points.tsv (what was run), charts/*.png|svg;"
    echo "across a network, path.csv (the path probe's figures) and probe_results.csv (its tests)."
  } >"$OUT/report.md"
}

# write_html [MD HTML]: index.html, the same report for a browser (SVG
# charts); of MD into HTML when given (compare.sh).
write_html() {
  md=${1:-$OUT/report.md} html=${2:-$OUT/index.html}
  awk -v title="$(sed -n '1s/^# //p' "$md")" '
    function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
    # inline `code` as <code>, not backticks; outside it **bold** and
    # *emphasis* as <b> and <i> (a * inside code stays: results/*-a)
    function code(s,    out, at, n) {
      out = ""
      while (match(s, /`[^`]*`/)) {
        at = RSTART; n = RLENGTH   # em() matches too
        out = out em(substr(s, 1, at - 1)) "<code>" substr(s, at + 1, n - 2) "</code>"
        s = substr(s, at + n)
      }
      return out em(s)
    }
    function em(s) {
      while (match(s, /\*\*[^*]+\*\*/))
        s = substr(s, 1, RSTART - 1) "<b>" substr(s, RSTART + 2, RLENGTH - 4) "</b>" substr(s, RSTART + RLENGTH)
      while (match(s, /\*[^* ][^*]*\*/))
        s = substr(s, 1, RSTART - 1) "<i>" substr(s, RSTART + 1, RLENGTH - 2) "</i>" substr(s, RSTART + RLENGTH)
      return s
    }
    BEGIN {
      print "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" esc(title) "</title>"
      print "<style>body{font-family:sans-serif;max-width:1450px;margin:auto;padding:1em}" \
        "img{max-width:100%;border:1px solid #ddd}pre{background:#f6f6f6;padding:.6em;overflow-x:auto}" \
        "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}</style></head><body>"
    }
    # a table of | cells |: the first row its head, the |---| row dropped
    intab && !/^\|/ { print "</table>"; intab = 0 }
    /^\|/ && !inpre {
      if ($0 ~ /^\|[-|]+\|$/) next
      n = split(substr($0, 2, length($0) - 2), cell, "|")
      tag = intab ? "td" : "th"
      if (!intab) { print "<table>"; intab = 1 }
      line = "<tr>"
      for (i = 1; i <= n; i++) { c = cell[i]; gsub(/^ +| +$/, "", c); line = line "<" tag ">" esc(c) "</" tag ">" }
      print line "</tr>"; next
    }
    /^```/ { inpre = !inpre; print inpre ? "<pre>" : "</pre>"; next }
    inpre { print esc($0); next }
    /^# / { print "<h1>" esc(substr($0, 3)) "</h1>"; next }
    /^## / { print "<h2>" esc(substr($0, 4)) "</h2>"; next }
    /^- / { print "<div>" code(esc(substr($0, 3))) "</div>"; next }
    /^!\[/ {
      # the target after "](": the heading before it may hold parentheses
      src = substr($0, index($0, "](") + 2); sub(/\).*/, "", src); sub(/\.png$/, ".svg", src)
      print "<p><img src=\"" src "\" alt=\"chart\"></p>"; next
    }
    /^$/ { next }
    { print "<p>" code(esc($0)) "</p>" }
    END { if (intab) print "</table>"; print "</body></html>" }' "$md" >"$html"
}

write_report() {
  write_markdown
  write_html
}
