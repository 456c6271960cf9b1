# linger.gp: close() time (left, log scale) and the bytes the peer got
# (right) per SO_LINGER setting; FIN or RST in the labels, RST hatched.
load vars
set multiplot layout 1, 2 title "What SO_LINGER does to close() (linger)\n" . ttl
# tfmt(us): a time for a label; bfmt(bytes): a size
tfmt(us) = us >= 1e6 ? sprintf("%.2f s", us / 1e6) : us >= 1e3 ? sprintf("%.0f ms", us / 1e3) : sprintf("%.0f µs", us)
bfmt(b) = b >= 1048576 ? sprintf("%.2f MiB", b / 1048576.0) : b >= 1024 ? sprintf("%.0f KiB", b / 1024.0) : sprintf("%.0f B", b)
set offsets 0, 0, 0, 0
set grid noxtics
set xtics scale 0
set key below vertical Left reverse width 2
set lmargin 12
load plotfile
unset multiplot
