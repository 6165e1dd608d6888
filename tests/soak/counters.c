// SPDX-License-Identifier: GPL-2.0
/*
 * make soak: print "KEY VALUE" for each counter of asi/status named in
 * argv, read after settle() from this same process (as the ASI selftests
 * do): a CPU that lazily holds the mm of a task that has exited keeps
 * that mm's pairs until it runs another process, so a reader that is a
 * fresh short-lived process, on a CPU of its own choosing, would count
 * pairs that are about to go. Exit 1 when there is no asi/status or the
 * test interface's "flush" failed.
 */
#define _GNU_SOURCE
#include "asi_util.h"

int main(int argc, char **argv)
{
	int i, err = !settle();

	for (i = 1; i < argc; i++)
		printf("%s %ld\n", argv[i], status(argv[i]));
	return err || status("views") < 0;
}
