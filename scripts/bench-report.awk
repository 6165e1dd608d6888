# make bench: turn build/bench/report.csv (boot,workload,run,ops,seconds,
# counters...) into report.md and report.svg. Figures per workload and
# boot: guest time as a ratio to the same boot with asi=off (median, min, max of the
# runs), counters per 1000 operations (median of the runs), memory figures.
# A counter that reads -1 was not collected (no debugfs asi/status); with
# quick=1 any such figure, or a missing workload, fails the run.
# awk -F, -v date=... -v kver=... -v quick=0|1 -v md=FILE -v svg=FILE

function median(list,    n, v, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	if (n == 0)
		return -1
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

function minof(list,    n, v, i, m) {
	n = split(list, v, " ")
	m = v[1]
	for (i = 2; i <= n; i++)
		if (v[i] + 0 < m + 0)
			m = v[i]
	return m
}

function maxof(list,    n, v, i, m) {
	n = split(list, v, " ")
	m = v[1]
	for (i = 2; i <= n; i++)
		if (v[i] + 0 > m + 0)
			m = v[i]
	return m
}

# The reference of a boot: the same command line with asi=off.
function refof(b,    r) {
	r = b
	gsub(/asi=on[^ ]*/, "asi=off", r)
	return (r in bseen) ? r : boots[1]
}

function per1k(b, w, c,    m) {
	m = median(val[b, w, c])
	if (m < 0) {
		missing[b " / " w " / " c] = 1
		return "n/a"
	}
	return sprintf("%.1f", m * 1000 / ops[b, w])
}

# One row of a per-(workload, boot) table: "events" per 1000 operations, or
# "memory" figures per run.
function table_row(kind, b, w) {
	if (kind == "events")
		printf "| %s | `%s` | %s | %s | %s | %s/%s/%s/%s/%s | %s/%s/%s/%s | %s/%s/%s | %s | %s | %s | %s |\n", w, b,
			per1k(b, w, "cr3_writes"), per1k(b, w, "asi_cr3_writes"),
			per1k(b, w, "pair_loads"), per1k(b, w, "exits_interrupt"),
			per1k(b, w, "exits_kthread"), per1k(b, w, "exits_audit"),
			per1k(b, w, "exits_unexpected"), per1k(b, w, "exits_crossing"),
			per1k(b, w, "crossings_socket"), per1k(b, w, "crossings_rehome"),
			per1k(b, w, "crossings_address"), per1k(b, w, "crossings_device"),
			per1k(b, w, "payload_shares"), per1k(b, w, "payload_rehomes"),
			per1k(b, w, "rehome_fallbacks"), per1k(b, w, "enters_user"),
			per1k(b, w, "enters_interrupt"), per1k(b, w, "violations"),
			per1k(b, w, "barriers") > md
	else
		printf "| %s | `%s` | %s | %s | %+d / %+d | %s | %s | %s |\n", w, b,
			fig(b, w, "kernel_tlb_flushes"), fig(b, w, "pool_chunks_taken"),
			first4k[b, w], all4k[b, w], fig(b, w, "view_pt_pages"),
			fig(b, w, "pair_pgd_pages"), fig(b, w, "pool_chunks") > md
}

# The rows of such a table: workloads in order, each boot that ran it.
function table_rows(kind,    i, j) {
	for (j = 1; j <= nw; j++)
		for (i = 1; i <= nb; i++)
			if ((boots[i], works[j]) in runs)
				table_row(kind, boots[i], works[j])
}

function fig(b, w, c,    m) {
	m = median(val[b, w, c])
	if (m < 0) {
		missing[b " / " w " / " c] = 1
		return "n/a"
	}
	return m
}

NR == 1 {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	next
}
{
	b = $1; w = $2
	if (!(b in bseen)) { bseen[b] = 1; boots[++nb] = b }
	if (!(w in wseen)) { wseen[w] = 1; works[++nw] = w }
	ops[b, w] = $(col["ops"])
	runs[b, w]++
	for (c in col)
		if (c != "boot" && c != "workload")
			val[b, w, c] = val[b, w, c] " " $(col[c])
	first4k[b, w] = runs[b, w] == 1 ? $(col["DirectMap4k_delta_kB"]) : first4k[b, w]
	all4k[b, w] += $(col["DirectMap4k_delta_kB"])
}

END {
	print "# ASI cost: `make bench`, " date ", kernel " kver > md
	print "" > md
	printf "Each workload ran %d time(s) per command line (%d boot(s) of each, interleaved).\n", \
		runs[boots[1], works[1]], rounds > md
	print "A boot's reference is the boot with" > md
	print "the same command line and `asi=off` (else the first boot): ratios compare" > md
	print "ASI on and off with everything else (PTI, paging mode) equal." > md
	print "Guest time is QEMU TCG time (no KVM): only ratios within this run mean" > md
	print "anything. Counters are read inside the guest (debugfs `asi/status`," > md
	print "`/proc/meminfo`) before and after each run; they are exact. The [min-max]" > md
	print "spread of the times shows how noisy TCG timing is: a ratio inside the" > md
	print "spread of its reference says nothing." > md
	print "" > md

	print "## Guest time, ratio to the boot's reference (median [min-max])" > md
	print "" > md
	line = "| workload | operations"
	sep = "|---|---"
	for (i = 1; i <= nb; i++) { line = line " | `" boots[i] "`"; sep = sep "|---" }
	print line " |" > md
	print sep "|" > md
	for (j = 1; j <= nw; j++) {
		w = works[j]
		line = "| " w " | " ops[boots[1], w]
		for (i = 1; i <= nb; i++) {
			b = boots[i]
			rm = median(val[refof(b), w, "seconds"])
			if (!((b, w) in runs) || rm <= 0) {
				line = line " | n/a"
				missing[b " / " w " / seconds"] = 1
				continue
			}
			r = median(val[b, w, "seconds"]) / rm
			ratio[b, w] = r
			rlo[b, w] = minof(val[b, w, "seconds"]) / rm
			rhi[b, w] = maxof(val[b, w, "seconds"]) / rm
			line = line sprintf(" | %.2f [%.2f-%.2f]", r,
					    minof(val[b, w, "seconds"]) / rm,
					    maxof(val[b, w, "seconds"]) / rm)
		}
		print line " |" > md
	}
	print "" > md

	# exact cost: boots under QEMU -icount shift=0 (one instruction per ns)
	nic = 0
	for (i = 1; i <= nb; i++)
		if (boots[i] ~ /^icount: /)
			ic[++nic] = boots[i]
	if (nic) {
		print "## Instructions per operation (QEMU `-icount shift=0,sleep=off`, `-smp 1`)" > md
		print "" > md
		print "One boot per command line, one run: a guest nanosecond is one executed" > md
		print "instruction, so these are exact counts of everything the guest executed" > md
		print "during the run (the workload, and whatever else ran meanwhile), divided by" > md
		print "the operations; in parentheses the difference to the same command line" > md
		print "with `asi=off`." > md
		print "" > md
		line = "| workload"
		sep = "|---"
		for (i = 1; i <= nic; i++) { line = line " | `" substr(ic[i], 9) "`"; sep = sep "|---" }
		print line " |" > md
		print sep "|" > md
		for (j = 1; j <= nw; j++) {
			w = works[j]
			line = "| " w
			for (i = 1; i <= nic; i++) {
				b = ic[i]
				if (!((b, w) in runs)) {
					line = line " | n/a"
					continue
				}
				x = median(val[b, w, "seconds"]) * 1e9 / ops[b, w]
				r = refof(b)
				if (r != b && ((r, w) in runs))
					line = line sprintf(" | %.0f (%+.0f)", x,
						x - median(val[r, w, "seconds"]) * 1e9 / ops[r, w])
				else
					line = line sprintf(" | %.0f", x)
			}
			print line " |" > md
		}
		print "" > md
	}

	# secret memory: the pool against upstream's scheme (secretmem.pool=0)
	for (i = 1; i <= nb; i++) {
		b = boots[i]
		if (b !~ / secretmem\.pool=0/)
			continue
		p = b
		sub(/ secretmem\.pool=0/, "", p)
		if (!(p in bseen) || !((p, "secretmem") in runs) || !((b, "secretmem") in runs))
			continue
		printf "Secret memory on the pool (`%s`) against upstream's page-by-page scheme\n", p > md
		printf "(`%s`): guest time ratio %.2f; kernel TLB flushes %s against %s; DirectMap4k\n", b,
			median(val[p, "secretmem", "seconds"]) / median(val[b, "secretmem", "seconds"]),
			fig(p, "secretmem", "kernel_tlb_flushes"), fig(b, "secretmem", "kernel_tlb_flushes") > md
		printf "growth in the first run %+d kB against %+d kB.\n", first4k[p, "secretmem"],
			first4k[b, "secretmem"] > md
		print "" > md
	}

	print "## Events per 1000 operations (median of the runs)" > md
	print "" > md
	print "CR3 writes on the context-switch path (all, and those only ASI causes)," > md
	print "loads of a task's (mm, view) pair, exits from the view by cause" > md
	print "(interrupt / kernel thread / audit / unexpected / crossing), crossings" > md
	print "by class (socket / rehome / address / device), payload copies (private" > md
	print "payload copied out to shared memory / received payload copied into a" > md
	print "view / left shared, not re-homed), entries back into the view on" > md
	print "return to user mode and when an interrupt returns, violations, barriers." > md
	print "" > md
	print "| workload | boot | CR3 writes | by ASI | pair loads | exits i/k/a/u/c | crossings s/r/a/d | payload copies out/in/fallback | enters (user) | enters (interrupt) | violations | barriers |" > md
	print "|---|---|---|---|---|---|---|---|---|---|---|---|" > md
	table_rows("events")
	print "" > md

	print "## Memory: TLB flushes, direct map, page tables, pool (per run)" > md
	print "" > md
	print "Kernel TLB flushes (flush_tlb_kernel_range() and flush_tlb_all()), pool" > md
	print "chunks taken out of the direct map, growth of DirectMap4k (first run, all" > md
	print "runs), and after the run: page-table pages of views, of pairs' top" > md
	print "levels, and pool chunks held." > md
	print "" > md
	print "| workload | boot | kernel TLB flushes | pool chunks taken | DirectMap4k kB: first / all runs | view pt pages | pair PGD pages | pool chunks |" > md
	print "|---|---|---|---|---|---|---|---|" > md
	table_rows("memory")
	print "" > md

	# every workload must have run on every boot
	for (j = 1; j <= nw; j++)
		for (i = 1; i <= nb; i++)
			if (!((boots[i], works[j]) in runs))
				missing[boots[i] " / " works[j] " / (did not run)"] = 1
	n = 0
	for (m in missing)
		n++
	print "## Figures not collected" > md
	print "" > md
	if (!n)
		print "None: every figure of every workload was collected on every boot." > md
	for (m in missing)
		print "- " m > md
	close(md)

	# SVG: one group of bars per workload, one bar per boot with ASI on
	nbar = 0
	for (i = 1; i <= nb; i++)
		if (refof(boots[i]) != boots[i])
			bar[++nbar] = boots[i]
	bw = 14; gap = 10; left = 110; top = 40; h = 260; maxr = 2
	for (k in ratio)
		if (ratio[k] > maxr)
			maxr = ratio[k]
	for (k in rhi)
		if (rhi[k] > maxr)
			maxr = rhi[k]
	maxr = int(maxr + 0.999)
	width = left + nw * (nbar * bw + gap) + 160
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n", width, top + h + 110 > svg
	printf "<text x=\"%d\" y=\"20\" font-size=\"14\">ASI on relative to asi=off, %s, %s: icount bars are exact instruction ratios; time bars show the median and a min-max whisker</text>\n", left, date, kver > svg
	for (t = 0; t <= maxr; t++) {
		y = top + h - t * h / maxr
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n", left, y, width - 150, y, t == 1 ? "black" : "#ddd" > svg
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%dx</text>\n", left - 5, y + 4, t > svg
	}
	split("#4477aa #ee6677 #228833 #ccbb44 #66ccee #aa3377 #bbbbbb #222255", colour, " ")
	for (j = 1; j <= nw; j++) {
		x0 = left + (j - 1) * (nbar * bw + gap) + gap / 2
		for (i = 1; i <= nbar; i++) {
			r = ((bar[i], works[j]) in ratio) ? ratio[bar[i], works[j]] : 0
			bh = r * h / maxr
			printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"%s><title>%s %s: %.2f</title></rect>\n", x0 + (i - 1) * bw, top + h - bh, bw - 2, bh, colour[(i - 1) % 8 + 1], bar[i] ~ /^icount: / ? "" : " fill-opacity=\"0.45\"", works[j], bar[i], r > svg
			# time bars: the spread of the runs, which a ratio must clear to mean anything
			if (r && bar[i] !~ /^icount: /)
				printf "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", x0 + (i - 1) * bw + (bw - 2) / 2, top + h - rlo[bar[i], works[j]] * h / maxr, x0 + (i - 1) * bw + (bw - 2) / 2, top + h - rhi[bar[i], works[j]] * h / maxr > svg
		}
		printf "<text transform=\"translate(%.1f,%d) rotate(45)\">%s</text>\n", x0 + 4, top + h + 12, works[j] > svg
	}
	for (i = 1; i <= nbar; i++) {
		printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", width - 140, top + (i - 1) * 18, colour[(i - 1) % 8 + 1] > svg
		printf "<text x=\"%d\" y=\"%d\">%s</text>\n", width - 124, top + (i - 1) * 18 + 10, bar[i] > svg
	}
	print "</svg>" > svg
	close(svg)

	if (quick && n) {
		print "bench: " n " figure(s) not collected (see " md ")" > "/dev/stderr"
		exit 1
	}
}
