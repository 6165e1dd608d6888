# Turn one boot's console log (KUnit KTAP, kernel messages) and results
# file (selftest TAP framed by /init) into per-suite rows:
#   boot<TAB>suite<TAB>pass<TAB>fail<TAB>skip<TAB>note
# Usage: awk -v boot=LABEL -v qemu_rc=RC -v known="dir/prog ..." \
#            -f summarize.awk console.log results.tap
# known: selftests known to fail under TCG (tests/known-tcg); their failures
# are shown and counted as skipped.
# A boot that dies, hangs, oopses or warns never yields a clean summary.

function row(suite, p, f, s, note) {
	printf "%s\t%s\t%d\t%d\t%d\t%s\n", boot, suite, p, f, s, note
}

function kunit_close_suite(   f, note) {
	if (ksuite == "")
		return
	f = kfail
	note = ""
	if (kplan >= 0 && kpass + kfail + kskip < kplan) {
		f++
		note = sprintf("only %d of %d cases reported", kpass + kfail + kskip, kplan)
	}
	row("kunit:" ksuite, kpass, f, kskip, note)
	ksuite = ""
}

function st_close(rc,   f, note) {
	f = sfail
	note = ""
	if (rc == "") {
		f++
		note = "did not finish (kernel died or hung in it)"
	} else if (spass + sfail + sskip == 0) {
		# no TAP (the x86 tests print [OK]/[FAIL]): the exit status
		# decides, as for run_kselftest.sh: 0 pass, 4 skip, else fail
		if (rc == 4)
			sskip = 1
		else if (rc == 0)
			spass = 1
		else {
			f++
			note = "exit=" rc (rc == 137 ? " (killed by the timeout)" : "")
		}
	} else if (rc != 0 && rc != 4 && sfail == 0) {
		f++
		note = "exit=" rc (rc == 137 ? " (killed by the timeout)" : "")
	}
	if (note == "" && splan > 0 && spass + sfail + sskip < splan && rc != 4) {
		f++
		note = sprintf("only %d of %d results", spass + sfail + sskip, splan)
	}
	if (sprog in known_oops)
		note = note (note != "" ? ", " : "") "task oopsed (as on asi=off)"
	if (sprog in known_tcg) {
		if (f) {
			note = "known failure under TCG" (note != "" ? ": " note : "")
			sskip += f
			f = 0
		} else {
			note = "known to fail under TCG, passed"
		}
	}
	row("selftest:" sprog, spass, f, sskip, note)
	sprog = ""
}

BEGIN {
	ksuite = ""; sprog = ""; ktop = -1; kdone = 0; crash = ""
	crash_re = "(Kernel panic|BUG: |WARNING: |Oops|general protection fault|kernel BUG at|Call Trace:|UBSAN:|KASAN:|kmemleak: [0-9]+ new suspected)"
	n = split(known, k, " ")
	for (i = 1; i <= n; i++) {
		known_tcg[k[i]] = 1
		c = k[i]; sub(/.*\//, "", c)
		known_comm[substr(c, 1, 15)] = k[i]
	}
}

FNR == 1 { file++ }

# ---- console log: KUnit and crash detection ----
file == 1 {
	line = $0
	sub(/\r$/, "", line)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
	# An ASI violation report comes with a stack trace by design (the
	# selftests provoke them on purpose); it is counted, not a crash.
	if (line ~ /asi: violation: /) { violations++; trace_ok = 1 }
	if (trace_ok && line ~ /Call Trace:/) { trace_ok = 0; next }
	# The selftest asi_kill_test oopses a task named asi_oops_ok on
	# purpose, with a plain load of the address the test interface's
	# "rawprobe ADDR:" line names. Expected: within 50 lines of that line,
	# a report by asi_oops_ok whose first line is the page fault at ADDR,
	# with no other crash line before its Comm line, whose first RIP is in
	# asi_test_write() or asi_test_rawprobe(), with one Call Trace, ending
	# within 100 lines. Any other report (by that task or another), a
	# second one, or one cut off fails.
	if (match(line, /asi_test: rawprobe [0-9a-f]+: /)) {
		rawprobe = substr(line, RSTART + 19, RLENGTH - 21)
		rawprobe_lines = 0
	} else if (rawprobe != "" && ++rawprobe_lines > 50) {
		rawprobe = ""
	}
	if (in_purpose) {
		if (line ~ /---\[ end trace/) {
			if (!purpose_rip && crash == "")
				crash = "the expected oops of asi_oops_ok had no RIP in asi_test"
			in_purpose = 0
		} else if (++in_purpose > 100 && crash == "") {
			crash = "the expected oops of asi_oops_ok did not end"
		} else if (line ~ /^RIP: / && !purpose_rip_seen++) {
			purpose_rip = line ~ /^RIP: 0010:asi_test_(write|rawprobe)\+/
		} else if (line ~ /Call Trace:/) {
			if (++purpose_traces > 1 && crash == "")
				crash = "a second Call Trace inside the expected oops"
		} else if (line ~ crash_re && crash == "") {
			crash = line
		}
		if (crash == "")
			next
		in_purpose = 0
	}
	# An oops of a task that is a known TCG failure (the same oops shows
	# on asi=off) is charged to that test's row, not to the kernel; any
	# other crash report fails the boot. The task's name follows the
	# first line of a report within a few lines ("... Comm: name ...").
	# (another report's first line before the expected report's Comm line)
	if (pending != "" && rawprobe != "" && line ~ crash_re && line !~ /^Oops: / &&
	    pending == "BUG: unable to handle page fault for address: " rawprobe && crash == "")
		crash = line
	if (pending != "") {
		if (match(line, /Comm: [^ ]+/)) {
			comm = substr(line, RSTART + 6, RLENGTH - 6)
			if (comm == "asi_oops_ok" && rawprobe != "" &&
			    pending == "BUG: unable to handle page fault for address: " rawprobe) {
				rawprobe = ""
				in_purpose = 1
				purpose_rip = purpose_rip_seen = purpose_traces = 0
				pending = ""
				next
			}
			if (comm in known_comm)
				known_oops[known_comm[comm]]++
			else if (crash == "")
				crash = pending
			pending = ""
		} else if (++pending_lines > 12) {
			if (crash == "")
				crash = pending
			pending = ""
		}
	}
	if (pending == "" && line ~ crash_re) {
		pending = line
		pending_lines = 0
	}
	if (line ~ /^KTAP version/) { inktap = 1; next }
	if (!inktap)
		next
	if (ktop < 0 && line ~ /^1\.\.[0-9]+$/) { ktop = substr(line, 4) + 0; next }
	if (line ~ /^    # Subtest: /) {
		kunit_close_suite()
		ksuite = substr(line, 16)
		kpass = kfail = kskip = 0
		kplan = -1
		next
	}
	if (ksuite != "" && line ~ /^    1\.\.[0-9]+$/) { kplan = substr(line, 8) + 0; next }
	if (ksuite != "" && line ~ /^    (not )?ok [0-9]+ /) {
		if (line ~ /# SKIP/) kskip++
		else if (line ~ /^    ok/) kpass++
		else kfail++
		next
	}
	if (line ~ /^(not )?ok [0-9]+ /) {
		if (ksuite == "") {
			# a suite that failed before reporting cases
			n = line; sub(/^(not )?ok [0-9]+ /, "", n); sub(/ #.*/, "", n)
			ksuite = n; kpass = kfail = kskip = 0; kplan = -1
			if (line ~ /# SKIP/) kskip = 1
			else if (line ~ /^not ok/) kfail = 1
		} else if (line ~ /^not ok/ && kfail == 0)
			kfail = 1
		kunit_close_suite()
		kdone++
		if (ktop >= 0 && kdone >= ktop)
			inktap = 0
	}
	next
}

# ---- results file: selftests framed by /init ----
{
	line = $0
	sub(/\r$/, "", line)
	if (line ~ /^# harness: begin/) { begun = 1; next }
	if (line ~ /^# harness: done/) { done = 1; next }
	if (line ~ /^# selftest: /) {
		if (sprog != "") st_close("")
		sprog = substr(line, 13)
		spass = sfail = sskip = 0
		splan = -1
		next
	}
	if (sprog == "")
		next
	if (line ~ /^# exit: /) {
		n = split(line, w, " ")
		st_close(w[n])
		next
	}
	if (splan < 0 && line ~ /^1\.\.[0-9]+/) { splan = substr(line, 4) + 0; next }
	if (line ~ /^(not )?ok [0-9]+/) {
		if (line ~ /# [Ss][Kk][Ii][Pp]/) sskip++
		else if (line ~ /^ok/ || line ~ /# XFAIL/) spass++
		else sfail++
	}
}

END {
	if (pending != "" && crash == "")
		crash = pending
	if (in_purpose && crash == "")
		crash = "the expected oops of asi_oops_ok was cut off"
	if (inktap && ksuite != "")
		kunit_close_suite()
	if (ktop >= 0 && kdone < ktop)
		row("kunit", 0, 1, 0, sprintf("only %d of %d suites reported", kdone, ktop))
	if (ktop < 0)
		row("kunit", 0, 1, 0, "no KTAP output on the console (KUnit not run?)")
	if (sprog != "")
		st_close("")
	if (!begun)
		row("boot", 0, 1, 0, "never reached the tests" (qemu_rc == 124 ? " (timeout)" : ""))
	else if (!done)
		row("boot", 0, 1, 0, "did not finish the tests" (qemu_rc == 124 ? " (timeout)" : ""))
	else if (qemu_rc != 0)
		row("boot", 0, 1, 0, "QEMU exit status " qemu_rc)
	if (crash != "")
		row("console", 0, 1, 0, "kernel reported: " crash)
}
