// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace churn of make soak, for argv[1] seconds. A second thread of
 * this process, round after round: makes a network namespace of its own
 * (unshare(CLONE_NEWNET): a new view), brings its loopback up, opens a
 * TCP connection and a UDP socket there and sends half of the data,
 * setns()es back to the namespace the process started in and sends the
 * rest through the same sockets (the namespace's sockets used from
 * outside it), reads and checks everything, then closes all of it, the
 * client first (TIME_WAIT) and with unread data queued on a socket: the
 * namespace dies with sockets in flight. Meanwhile the main thread sends
 * and checks UDP datagrams on the first namespace's loopback. Both threads
 * share one mm, so (mm, view) pairs come and go with the namespaces.
 * Runs as root. Exit 0 when all data arrived intact, 1 when not, 2 when
 * it could not start.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LEN	(64 << 10)

static time_t end;
static int home;
static volatile int failed;

static void fail(const char *what, long round)
{
	printf("setns_churn: round %ld: %s: %s\n", round, what, strerror(errno));
	failed = 1;
}

static void fill(unsigned char *b, size_t len, unsigned long seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)((i * 131 + seed * 7) >> 3);
}

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM, 0), err;

	if (s < 0)
		return -1;
	err = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	err = err ?: ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return err;
}

/* A socket bound to 127.0.0.1, any port; its address in *sin. */
static int bound(int type, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = socket(AF_INET, type, 0);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)sin, sizeof(*sin)) ||
	    getsockname(s, (struct sockaddr *)sin, &len)) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static int send_all(int s, const unsigned char *b, size_t len)
{
	ssize_t n;

	for (; len; b += n, len -= n) {
		n = send(s, b, len, 0);
		if (n <= 0)
			return -1;
	}
	return 0;
}

/* One round; 0, or -1 with the failure reported. */
static int round_once(long r, unsigned char *out, unsigned char *in)
{
	int l = -1, c = -1, a = -1, u = -1, ret = -1;
	struct sockaddr_in ls, us;
	size_t got = 0;
	ssize_t n;

	if (unshare(CLONE_NEWNET))
		return fail("unshare", r), -1;
	if (lo_up())
		return fail("lo up", r), -1;
	fill(out, LEN, r);
	l = bound(SOCK_STREAM, &ls);
	u = bound(SOCK_DGRAM, &us);
	if (l < 0 || u < 0 || listen(l, 1)) {
		fail("bind", r);
		goto out;
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ls, sizeof(ls))) {
		fail("connect", r);
		goto out;
	}
	a = accept(l, NULL, NULL);
	if (a < 0 || send_all(c, out, LEN / 2) ||
	    sendto(u, out, 1024, 0, (struct sockaddr *)&us, sizeof(us)) != 1024) {
		fail("send in the namespace", r);
		goto out;
	}
	/* back home: the new namespace lives on in its sockets only */
	if (setns(home, CLONE_NEWNET)) {
		fail("setns home", r);
		goto out;
	}
	if (send_all(c, out + LEN / 2, LEN - LEN / 2)) {
		fail("send after setns", r);
		goto out;
	}
	while (got < LEN && (n = recv(a, in + got, LEN - got, 0)) > 0)
		got += n;
	if (got != LEN || memcmp(in, out, LEN)) {
		errno = EIO;
		fail("TCP data", r);
		goto out;
	}
	if (recv(u, in, LEN, 0) != 1024 || memcmp(in, out, 1024)) {
		errno = EIO;
		fail("UDP data", r);
		goto out;
	}
	/* left queued on the listener's peer and on the UDP socket at close */
	if (send_all(a, out, 4096) ||
	    sendto(u, out, 512, 0, (struct sockaddr *)&us, sizeof(us)) != 512) {
		fail("send to be left unread", r);
		goto out;
	}
	ret = 0;
out:
	/* the client closes first: its end waits in TIME_WAIT */
	if (c >= 0)
		close(c);
	if (a >= 0)
		close(a);
	if (l >= 0)
		close(l);
	if (u >= 0)
		close(u);
	if (ret)
		setns(home, CLONE_NEWNET);
	return ret;
}

static long rounds;

static void *churn(void *arg)
{
	unsigned char *out = malloc(LEN), *in = malloc(LEN);

	while (out && in && !failed && time(NULL) < end) {
		if (round_once(rounds, out, in))
			break;
		rounds++;
	}
	free(out);
	free(in);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned char b[512], c[512];
	struct sockaddr_in sin;
	long secs, dgrams = 0;
	pthread_t t;
	int u;

	if (argc != 2 || (secs = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	home = open("/proc/self/ns/net", O_RDONLY);
	u = bound(SOCK_DGRAM, &sin);
	if (home < 0 || u < 0) {
		perror("setns_churn: start");
		return 2;
	}
	end = time(NULL) + secs;
	if (pthread_create(&t, NULL, churn, NULL)) {
		perror("setns_churn: pthread_create");
		return 2;
	}
	while (!failed && time(NULL) < end) {
		fill(b, sizeof(b), dgrams);
		if (sendto(u, b, sizeof(b), 0, (struct sockaddr *)&sin, sizeof(sin)) != sizeof(b) ||
		    recv(u, c, sizeof(c), 0) != sizeof(c) || memcmp(b, c, sizeof(b))) {
			fail("datagram at home", dgrams);
			break;
		}
		dgrams++;
		usleep(1000);
	}
	pthread_join(t, NULL);
	if (failed)
		return 1;
	printf("setns_churn: %ld namespaces (64 KiB TCP and 1 KiB UDP each, sent before and after setns, checked), %ld datagrams checked at home\n",
	       rounds, dgrams);
	return 0;
}
