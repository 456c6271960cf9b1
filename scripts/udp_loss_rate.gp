# udp_loss_rate.gp: UDP loss (top) and jitter (bottom) against the offered
# rate, the x axes aligned.
load vars
set multiplot layout 2, 1 title "UDP loss and jitter vs offered rate\n" . ttl
set xlabel "offered rate (" . xunit . ", payload)"
set yrange [0:*]
set lmargin 10
set rmargin 4
set key below horizontal Left reverse width 2 height 1
load plotfile
unset multiplot
