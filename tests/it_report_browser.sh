# The report pages as a person sees them, in a headless browser (Debian's
# chromium-headless-shell or chromium; skipped without one, never
# installed here: scripts/test.sh installs it as root). A loopback run of
# suite tiny (~15 s) and a comparison of it with a copy of itself whose
# throughput is 3 times higher: every image the page names loads and decodes,
# the page fits a laptop's width (1280 px) without scrolling sideways, its
# text carries no raw markdown, a screenshot is not blank and shows the
# charts (the runs' colours), and on every chart of the comparison each
# text (titles, legends, tick labels) lies inside the picture.
. "$(dirname "$0")/lib.sh"
ROOT=$HERE/..

BROWSER=""
for b in chromium-headless-shell chromium chromium-browser; do
	command -v "$b" >/dev/null 2>&1 && { BROWSER=$(command -v "$b"); break; }
done
[ -n "$BROWSER" ] || skip "no headless browser (Debian: apt-get install chromium-headless-shell, or chromium; scripts/test.sh installs it as root)"
command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1 || skip "no gnuplot: the pages would have no charts"
command -v python3 >/dev/null 2>&1 || skip "no python3 to read the screenshots"

# browser ARGS...: one headless run, bounded in time; as root Chromium
# needs --no-sandbox.
browser() {
	sb=""
	[ "$(id -u)" -eq 0 ] && sb=--no-sandbox
	timeout 60 "$BROWSER" $sb --headless --disable-gpu --hide-scrollbars \
		--user-data-dir="$WORK/profile" --allow-file-access-from-files "$@" 2>>"$WORK/browser.err"
}

# probe PAGE: PAGE's DOM after load with what a script found appended:
# IMG ok|broken SRC per image, WIDTH scrollWidth innerWidth, TEXT the
# visible text on one line. The page itself stays static: the script is
# in a copy beside it.
probe() {
	cp "$1" "${1%.html}._probe.html"
	cat >>"${1%.html}._probe.html" <<'EOF'
<script>
window.addEventListener('load', function () {
  var r = [], im = document.images;
  for (var i = 0; i < im.length; i++)
    r.push('IMG ' + (im[i].complete && im[i].naturalWidth > 0 ? 'ok ' : 'broken ') + im[i].getAttribute('src'));
  r.push('WIDTH ' + document.documentElement.scrollWidth + ' ' + window.innerWidth);
  r.push('TEXT ' + document.body.innerText.replace(/\s+/g, ' '));
  var pre = document.createElement('pre'); pre.id = 'tub-probe';
  pre.textContent = r.join('\n'); document.body.appendChild(pre);
});
</script>
EOF
	browser --window-size=1280,900 --dump-dom "file://${1%.html}._probe.html" |
		sed -n '/<pre id="tub-probe">/,/<\/pre>/p' | sed 's/<pre id="tub-probe">//; s/<\/pre>.*//' |
		sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
	rm -f "${1%.html}._probe.html"
}

# pixels PNG COLOUR...: "non-white-fraction count-per-colour..." of a
# screenshot (a colour within 40 of each channel counts).
pixels() {
	python3 - "$@" <<'EOF'
import struct, sys, zlib
path, cols = sys.argv[1], sys.argv[2:]
data = open(path, 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, t = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif t == b'IDAT':
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
want = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in cols]
hits = [0] * len(want)
nonwhite = total = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp):
        px = line[x:x + 3]
        total += 1
        if min(px) < 235: nonwhite += 1
        for k, wc in enumerate(want):
            if all(abs(px[i] - wc[i]) <= 40 for i in range(3)): hits[k] += 1
print('%.4f' % (nonwhite / total), *hits)
EOF
}

# check_page NAME PAGE COLOUR...: the checks of a page.
check_page() {
	name=$1 page=$2
	shift 2
	probe "$page" >"$WORK/$name.probe"
	n=$(grep -c '^IMG ' "$WORK/$name.probe")
	check "$name: the page names images ($n)" "$n" -ge 1
	check "$name: every image loads and decodes" -z "$(grep '^IMG broken' "$WORK/$name.probe")"
	for src in $(sed -n 's/^IMG ok //p' "$WORK/$name.probe"); do
		[ -s "$(dirname "$page")/$src" ] || bad "$name: $src named but missing"
	done
	set -- $(sed -n 's/^WIDTH //p' "$WORK/$name.probe") "$@"
	check "$name: fits 1280 px, no sideways scroll ($1 <= $2)" "${1:-9999}" -le "${2:-0}"
	shift 2
	sed -n 's/^TEXT //p' "$WORK/$name.probe" >"$WORK/$name.text"
	check "$name: text read" -s "$WORK/$name.text"
	bt=$(printf '\140')
	check "$name: no raw markdown (backticks, **, ](, |---, ##, \`\`\`)" \
		-z "$(grep -o -e "$bt" -e '\*\*' -e '](' -e '|---' -e '## ' -e '!\[' "$WORK/$name.text" | head -n 3)"
	# half the pixels each way (the layout still 1280 px wide): quicker to read
	browser --window-size=1280,2400 --force-device-scale-factor=0.5 --screenshot="$WORK/$name.png" "file://$page" >/dev/null
	check "$name: a screenshot" -s "$WORK/$name.png"
	[ -s "$WORK/$name.png" ] || return
	set -- $(pixels "$WORK/$name.png" "$@")
	check_awk "$name: the screenshot is not blank ($1 of it not white)" "$1 > 0.02"
	shift
	k=0
	for c in "$@"; do
		k=$((k + 1))
		check "$name: the charts show, colour $k on screen ($c pixels)" "$c" -ge 20
	done
}

"$ROOT/scripts/bench.sh" --suite tiny --label loop --results "$WORK/res" --bin "$BIN" \
	>"$WORK/bench.out" 2>"$WORK/bench.err"
RUN=$(tail -n 1 "$WORK/bench.out")
check "a loopback run of suite tiny" -s "$RUN/index.html"
[ -s "$RUN/index.html" ] || finish
# one run: TCP in its blue, UDP in its orange (plotdata.awk's PAL)
check_page run "$RUN/index.html" "#1f77b4" "#e6550d"

# B: the same run, its throughput 3 times higher (a change the report must
# show, whatever the noise of two repetitions)
mkdir -p "$WORK/res/faster"
sed 's/^label: loop$/label: faster/' "$RUN/meta.txt" >"$WORK/res/faster/meta.txt"
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^throughput_bps_(mean|ci95|min|max)$/) t[i] = 1; print; next }
	{ for (i in t) if ($i != "") $i = $i * 3; print }' "$RUN/summary.csv" >"$WORK/res/faster/summary.csv"
"$ROOT/scripts/compare.sh" -o "$WORK/cmp" "$RUN" "$WORK/res/faster" >/dev/null 2>"$WORK/cmp.err"
check "compare: exit 0" $? -eq 0
check "compare: a change chart of the throughput" -s "$WORK/cmp/charts/delta_throughput_bps.svg"
# a comparison: A in run 1's blue, B in run 2's red (run_colour)
check_page compare "$WORK/cmp/index.html" "#1f77b4" "#d62728"

# every chart of the comparison: each text's box inside the picture
{
	echo '<!DOCTYPE html><html><body>'
	for f in "$WORK"/cmp/charts/*.svg "$WORK"/cmp/overlay/charts/*.svg; do
		wh=$(sed -n 's/.*<svg[^>]* width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p' "$f" | head -n 1)
		set -- $wh
		echo "<iframe src=\"file://$f\" width=\"${1:-1000}\" height=\"${2:-600}\" style=\"border:0\"></iframe>"
	done
	cat <<'EOF'
<script>
window.addEventListener('load', function () {
  var fr = document.getElementsByTagName('iframe'), r = [];
  for (var i = 0; i < fr.length; i++) {
    var d = fr[i].contentDocument, out = 0, n = 0;
    if (!d) { r.push('NODOC ' + fr[i].src); continue; }
    var w = fr[i].width, h = fr[i].height, t = d.getElementsByTagName('text');
    for (var j = 0; j < t.length; j++) {
      var b = t[j].getBoundingClientRect();
      if (b.width == 0) continue;
      n++;
      if (b.left < -1 || b.top < -1 || b.right > w + 1 || b.bottom > h + 1) {
        out++; r.push('OUT ' + fr[i].src.replace(/.*\//, '') + ': ' + t[j].textContent.slice(0, 60) +
          ' [' + Math.round(b.left) + ',' + Math.round(b.top) + ',' + Math.round(b.right) + ',' + Math.round(b.bottom) + ' of ' + w + 'x' + h + ']');
      }
    }
    r.push('CHART ' + fr[i].src.replace(/.*\//, '') + ' ' + n + ' ' + out);
  }
  var pre = document.createElement('pre'); pre.id = 'tub-probe';
  pre.textContent = r.join('\n'); document.body.appendChild(pre);
});
</script></body></html>
EOF
} >"$WORK/cmp/_texts.html"
browser --window-size=1500,900 --dump-dom "file://$WORK/cmp/_texts.html" | sed -n '/<pre id="tub-probe">/,/<\/pre>/p' |
	sed 's/<pre id="tub-probe">//; s/<\/pre>.*//' >"$WORK/texts"
rm -f "$WORK/cmp/_texts.html"
check "the charts' texts measured" -n "$(grep '^CHART .* [1-9][0-9]* 0$' "$WORK/texts")"
check "every chart's text inside its picture" -z "$(awk '/^(OUT|NODOC) / || ($1 == "CHART" && $NF != 0)' "$WORK/texts")"
[ "$FAILS" -eq 0 ] || { echo "--- texts:"; cat "$WORK/texts"; }
finish
