// SPDX-License-Identifier: GPL-2.0
/*
 * The long-lived checker of make soak: keeps 8 MiB of memfd_secret()
 * memory with a known pattern for the whole soak, and checks every page
 * of it every second until the file named by argv[1] appears. With a
 * second argument "exclusive" the memory is SECRETMEM_EXCLUSIVE (owned by
 * this process's mm), and a forked child's mmap() of it must fail with
 * EPERM. Runs as an unprivileged user (8 MiB is the default
 * RLIMIT_MEMLOCK). Exit 0 when the data never changed, 1 when it did, 2
 * when it could not start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE	(8UL << 20)
#ifndef SECRETMEM_EXCLUSIVE
#define SECRETMEM_EXCLUSIVE	0x1U
#endif

static unsigned long pattern(unsigned long i)
{
	return i * 0x9e3779b97f4a7c15UL ^ 0x5a5a5a5a5a5a5a5aUL;
}

int main(int argc, char **argv)
{
	unsigned long *p, i, rounds = 0;
	unsigned int flags = 0;
	int fd;

	if (argc == 3 && !strcmp(argv[2], "exclusive"))
		flags = SECRETMEM_EXCLUSIVE;
	else if (argc != 2)
		return 2;
	fd = syscall(SYS_memfd_secret, flags);
	if (fd < 0 || ftruncate(fd, SIZE)) {
		perror("secret_check: memfd_secret");
		return 2;
	}
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("secret_check: mmap");
		return 2;
	}
	for (i = 0; i < SIZE / sizeof(*p); i++)
		p[i] = pattern(i);
	if (flags) {
		int status;
		pid_t pid = fork();

		if (!pid) {
			void *q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);

			/* 0: refused as it must be; 255: mapped; else the errno */
			_exit(q != MAP_FAILED ? 255 : errno == EPERM ? 0 : errno);
		}
		if (pid < 0) {
			perror("secret_check: fork");
			return 2;
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			printf("secret_check: another mm's mmap() of the exclusive memory: %s\n",
			       !WIFEXITED(status) ? "child died" :
			       WEXITSTATUS(status) == 255 ? "mapped" :
			       strerror(WEXITSTATUS(status)));
			return 1;
		}
	}
	for (;;) {
		int stop = !access(argv[1], F_OK);

		for (i = 0; i < SIZE / sizeof(*p); i++) {
			if (p[i] != pattern(i)) {
				printf("secret_check: word %lu changed after %lu rounds\n", i, rounds);
				return 1;
			}
		}
		rounds++;
		if (stop)
			break;
		sleep(1);
	}
	printf("secret_check: %lu MiB%s unchanged over %lu rounds\n", SIZE >> 20,
	       flags ? " (exclusive)" : "", rounds);
	return 0;
}
