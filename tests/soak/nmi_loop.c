// SPDX-License-Identifier: GPL-2.0
/*
 * The NMI source of make soak (the guest has no PMU for perf's NMIs under
 * QEMU without KVM): "nprobe" of the ASI test interface in a loop for
 * argv[1] seconds. Each NMI, sent by this task to its own CPU while the
 * task is in a syscall on its view, reads a page private to another view
 * (a window page, and a page of the restricted direct map where there is
 * one): the NMI must leave the view to read it, restore exactly the CR3
 * it interrupted, and the syscall must be on its view again afterwards.
 * Every answer is checked: the page's pattern, "restricted" with asi=on
 * ("unrestricted" with asi=off), and no violation counted. Runs as root
 * (debugfs), beside the soak's load. Exit 0 on success, 1 on a wrong
 * answer, 2 when it could not start.
 */
#define _GNU_SOURCE
#include <time.h>

#include "asi_util.h"

static int probe(const char *addr, const char *want, long *n)
{
	char a[96];

	cmdf(a, sizeof(a), "nprobe %s", addr);
	if (strcmp(a, want)) {
		printf("nmi_loop: nprobe %s after %ld: \"%.*s\", want \"%.*s\"\n", addr,
		       *n, (int)strcspn(a, "\n"), a, (int)strcspn(want, "\n"), want);
		return 1;
	}
	(*n)++;
	return 0;
}

int main(int argc, char **argv)
{
	char a[96], win[32], alias[32], dmap[32] = "";
	long n = 0, x0, v0, secs;
	const char *want;
	time_t end;
	int err = 0;

	if (argc != 2 || (secs = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	if (sscanf(cmd("alloc other", a, sizeof(a)), "%31s %31s", win, alias) != 2) {
		printf("nmi_loop: no test interface (asi_test.enable=1, debugfs)\n");
		return 2;
	}
	/* the restricted direct map: asi=on with 4-level paging only */
	if (status("dmap_pt_pages") > 0 &&
	    sscanf(cmd("dalloc other", a, sizeof(a)), "%31s", dmap) != 1) {
		printf("nmi_loop: dalloc other failed\n");
		cmdf(a, sizeof(a), "free %s", win);
		return 2;
	}
	want = status_is("enabled", "on") ? "ok " PATTERN " restricted\n" :
					    "ok " PATTERN " unrestricted\n";
	x0 = status("exits_interrupt");
	v0 = status("violations");
	end = time(NULL) + secs;
	while (!err && time(NULL) < end) {
		err = probe(win, want, &n);
		if (!err && dmap[0])
			err = probe(dmap, want, &n);
	}
	if (strcmp(cmdf(a, sizeof(a), "free %s", win), "freed\n") ||
	    (dmap[0] && strcmp(cmdf(a, sizeof(a), "free %s", dmap), "freed\n"))) {
		printf("nmi_loop: free failed\n");
		err = 1;
	}
	if (status("violations") != v0) {
		printf("nmi_loop: violations %ld -> %ld\n", v0, status("violations"));
		err = 1;
	}
	/* with asi=on, each NMI's read is an exit of its own */
	if (status_is("enabled", "on") && status("exits_interrupt") - x0 < n) {
		printf("nmi_loop: %ld NMIs, exits_interrupt only +%ld\n", n,
		       status("exits_interrupt") - x0);
		err = 1;
	}
	if (!err)
		printf("nmi_loop: %ld NMIs read another view's page (%s), exits_interrupt +%ld\n",
		       n, dmap[0] ? "window and direct map" : "window",
		       status("exits_interrupt") - x0);
	return err;
}
