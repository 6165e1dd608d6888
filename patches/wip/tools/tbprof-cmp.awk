# tbprof-cmp.awk: per-symbol kernel instructions per operation from four
# tbprof.so dumps (QEMU -icount, two boots per side: a base boot without
# the operations and one with N of them), asi=on minus asi=off.
#   awk -v n=2000 -f tbprof-cmp.awk System.map off0.out off1.out on0.out on1.out
# Kernel text addresses are compared by their low 32 bits (awk's doubles);
# System.map is sorted by address.
function lo(a,    i, v) {
	a = substr(a, length(a) - 7); v = 0
	for (i = 1; i <= 8; i++) v = v * 16 + index("0123456789abcdef", substr(a, i, 1)) - 1
	return v
}
function find(x,    l, h, m) {
	l = 1; h = ns
	if (x < addr[1]) return "?"
	while (l < h) { m = int((l + h + 1) / 2); if (addr[m] <= x) l = m; else h = m - 1 }
	return name[l]
}
FILENAME == ARGV[1] {
	if ($2 ~ /^[tTwW]$/ && substr($1, 1, 8) == "ffffffff") { ns++; addr[ns] = lo($1); name[ns] = $3 }
	next
}
FNR == 1 { f++ }
{ s = find(lo($1)); c[f, s] += $2; seen[s] = 1 }
END {
	for (s in seen) {
		off = (c[2, s] - c[1, s]) / n; on = (c[4, s] - c[3, s]) / n
		toff += off; ton += on
		if (on - off >= 5 || off - on >= 5) printf "%9.1f %9.1f %9.1f %s\n", on - off, off, on, s
	}
	printf "%9.1f %9.1f %9.1f total\n", ton - toff, toff, ton
}
