# linux-asi: a kernel patch queue with its build, boot and test harness.
# `make help` lists the targets; README.md explains the workflow.

CONFIG ?= test
BOOT   ?= asi=off;asi=on,enforce pti=on no5lvl;asi=on,barrier=verw pti=off no5lvl;asi=off secretmem.pool=0
export CONFIG BOOT FORCE BISECT TIMEOUT TIMEOUT_SCALE SMP MEM BENCH QUICK RUNS ROUNDS SOAK_MIN SOAK_BOOTS

S := scripts

.PHONY: help deps tree export kernel initramfs run test bench soak check clean

help:
	@echo 'make deps       install the Debian packages the harness needs (idempotent)'
	@echo 'make tree       build/linux = pinned base + patches/series (git am -3)'
	@echo 'make export     patches/ = base..HEAD of build/linux (then commit patches/)'
	@echo 'make kernel     configure (tinyconfig + configs/) and build bzImage'
	@echo 'make initramfs  busybox + /init + the static selftests of tests/selftests.list'
	@echo 'make run        boot (asi=on no5lvl) to a shell; CMD="..." runs one command; APPEND="..." replaces the ASI parameters'
	@echo 'make test       build what is stale, boot the BOOT matrix, run KUnit + selftests'
	@echo 'make bench      boot the BENCH matrix ROUNDS (2) times, run the workloads RUNS (3) times'
	@echo '                a boot, write build/bench/report.{md,csv,svg}'
	@echo '                (QUICK=1: small counts, one boot, one run, checks every figure was collected)'
	@echo 'make soak       boot SOAK_BOOTS (asi=off; asi=on,enforce with pti=on and pti=off;'
	@echo '                asi=on,audit), run stress-ng, trinity, namespace churn, NMIs and two'
	@echo '                secret-memory checkers for SOAK_MIN (10) minutes each, judge the'
	@echo '                consoles, the results and the counters'
	@echo 'make check      checkpatch --strict on the series; BISECT=1 also builds every prefix'
	@echo 'CONFIG=debug    adds KASAN, lockdep, DEBUG_VM, DEBUG_PAGEALLOC, kmemleak'
	@echo 'CONFIG=perf     -O2 and jump labels, as distributions build (for make bench)'
	@echo "BOOT='a;b c'    ';'-separated kernel command lines, one boot each (default: $(BOOT))"

deps:
	@$(S)/deps.sh

tree:
	@$(S)/tree.sh

export:
	@$(S)/export.sh

kernel:
	@$(S)/kernel.sh

initramfs: kernel
	@$(S)/initramfs.sh

# make run boots with ASI on unless APPEND is given (even empty).
# CMD is taken verbatim ($(value ...)): make must not expand "$(...)" in it.
RUN_APPEND = $(if $(filter undefined,$(origin APPEND)),asi=on no5lvl,$(APPEND))
run: initramfs
ifeq ($(strip $(value CMD)),)
	@APPEND='$(RUN_APPEND)' $(S)/run.sh
else
	$(file >build/run-cmd.sh,$(value CMD))
	@APPEND='$(RUN_APPEND)' $(S)/run.sh --cmd-file build/run-cmd.sh
endif

test:
	@$(S)/test.sh

bench:
	@$(S)/bench.sh

soak: initramfs
	@$(S)/soak.sh

check:
	@$(S)/check.sh

clean:
	rm -rf build/obj-* build/selftests-* build/initramfs-* build/test-* build/bench build/bisect

