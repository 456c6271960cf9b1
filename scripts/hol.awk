# hol.awk: one line per test of a hol.sh run: loss (%), series, goodput
# (Mbit/s), message delay p50 and p99 above the minimum (ms). Needs
# scripts/lib/csv.awk.
NR == 1 { n = csv_split($0, h); for (i = 1; i <= n; i++) ix[h[i]] = i; next }
{
  csv_split($0, v)
  if (v[ix["status"]] != "ok") next
  loss = v[ix["run_id"]]; sub(/.*-loss/, "", loss)
  s = v[ix["proto"]]; if (s == "rudp") s = s "-" v[ix["delivery"]]
  printf "%s %s %.3f %.3f %.3f\n", loss, s, v[ix["throughput_bps"]] / 1e6,
    v[ix["msg_delay_p50_over_min_us"]] / 1e3, v[ix["msg_delay_p99_over_min_us"]] / 1e3
}
