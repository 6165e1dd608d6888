// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace churn of make soak, for argv[1] seconds. A second thread of
 * this process, round after round: makes a network namespace of its own
 * (unshare(CLONE_NEWNET): a new view), brings its loopback up, opens a
 * TCP connection and a UDP socket there and sends half of the TCP data
 * and a datagram, setns()es back to the namespace the process started in
 * and sends the rest through the same sockets (the namespace's sockets
 * used from outside it), reads and checks everything, setns()es into the
 * namespace again by its fd and sends a datagram from a new socket there,
 * goes home, then closes all of it: the client first, so that it waits
 * in TIME_WAIT, and the UDP socket with a datagram left unread: the
 * namespace dies with sockets in flight. Meanwhile the main thread sends
 * and checks UDP datagrams on the first namespace's loopback. Both threads
 * share one mm, so (mm, view) pairs come and go with the namespaces.
 * Receives time out (30 s; 200 ms at home): lost TCP data fails the run,
 * and so do more than 1% of the datagrams at home or a datagram of a
 * round lost 3 times (loopback may drop under the soak's UDP flood). Runs as root. Exit 0 when all data arrived intact,
 * 1 when not, 2 when it could not start or did nothing.
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
#include <sys/time.h>
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

/* A socket whose sends and receives give up after 30 s. */
static int sock(int type)
{
	struct timeval tv = { .tv_sec = 30 };
	int s = socket(AF_INET, type, 0);

	if (s >= 0 && (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
		       setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))) {
		close(s);
		return -1;
	}
	return s;
}

/* A socket bound to 127.0.0.1, any port; its address in *sin. */
static int bound(int type, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s = sock(type);

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

/*
 * The datagram buf (len bytes) must arrive on "to". "sent": it was sent
 * already. Loopback may drop one under the soak's UDP flood: on a
 * timeout, send it again from "from", 3 tries in all. 0, or -1 (errno).
 */
static int dgram_check(int from, int to, const struct sockaddr_in *dst,
		       const unsigned char *buf, size_t len, unsigned char *in, int sent)
{
	ssize_t n;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		if (!sent && sendto(from, buf, len, 0, (const struct sockaddr *)dst,
				    sizeof(*dst)) != (ssize_t)len)
			return -1;
		sent = 0;
		n = recv(to, in, LEN, 0);
		if (n == (ssize_t)len && !memcmp(in, buf, len))
			return 0;
		if (n >= 0) {
			errno = EIO;
			return -1;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
	}
	return -1;
}

/* One round; 0, or -1 with the failure reported. */
static int round_once(long r, unsigned char *out, unsigned char *in)
{
	int l = -1, c = -1, a = -1, u = -1, v = -1, ns = -1, ret = -1;
	struct sockaddr_in ls, us;
	size_t got = 0;
	ssize_t n;

	if (unshare(CLONE_NEWNET))
		return fail("unshare", r), -1;
	ns = open("/proc/thread-self/ns/net", O_RDONLY);
	if (ns < 0 || lo_up()) {
		fail("namespace fd, lo up", r);
		goto out;
	}
	fill(out, LEN, r);
	l = bound(SOCK_STREAM, &ls);
	u = bound(SOCK_DGRAM, &us);
	if (l < 0 || u < 0 || listen(l, 1)) {
		fail("bind", r);
		goto out;
	}
	c = sock(SOCK_STREAM);
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
	/* the client closes first (its end waits in TIME_WAIT) */
	close(c);
	c = -1;
	while (got <= LEN && (n = recv(a, in + got, LEN + 1 - got, 0)) > 0)
		got += n;
	if (n < 0 || got != LEN || memcmp(in, out, LEN)) {
		if (n >= 0)
			errno = EIO;
		fail("TCP data", r);
		goto out;
	}
	if (dgram_check(u, u, &us, out, 1024, in, 1)) {
		fail("UDP data", r);
		goto out;
	}
	/* into the namespace again, by its fd: a new socket of it */
	if (setns(ns, CLONE_NEWNET)) {
		fail("setns into the namespace", r);
		goto out;
	}
	v = sock(SOCK_DGRAM);
	if (v < 0 || sendto(v, out + 7, 256, 0, (struct sockaddr *)&us, sizeof(us)) != 256 ||
	    setns(home, CLONE_NEWNET)) {
		fail("send from inside again", r);
		goto out;
	}
	if (dgram_check(v, u, &us, out + 7, 256, in, 1)) {
		fail("UDP data from inside again", r);
		goto out;
	}
	/* left queued on the UDP socket at close */
	if (sendto(v, out, 512, 0, (struct sockaddr *)&us, sizeof(us)) != 512) {
		fail("send to be left unread", r);
		goto out;
	}
	ret = 0;
out:
	/* c first, if still open: the client's end waits in TIME_WAIT */
	for (int i = 0, fds[] = { c, a, l, u, v, ns }; i < 6; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (ret)
		setns(home, CLONE_NEWNET);
	return ret;
}

static long rounds;

static void *churn(void *arg)
{
	/* one byte more: a stream that delivers too much must not overflow */
	unsigned char *out = malloc(LEN), *in = malloc(LEN + 1);

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
	long secs, dgrams = 0, lost = 0;
	pthread_t t;
	int u;

	if (argc != 2 || (secs = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	home = open("/proc/self/ns/net", O_RDONLY);
	u = bound(SOCK_DGRAM, &sin);
	/* a drop at home costs 200 ms: the 1% limit is measurable */
	if (home < 0 || u < 0 ||
	    setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_usec = 200000 },
		       sizeof(struct timeval))) {
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
		ssize_t n;

		if (sendto(u, b, sizeof(b), 0, (struct sockaddr *)&sin, sizeof(sin)) != sizeof(b)) {
			fail("send at home", dgrams);
			break;
		}
		n = recv(u, c, sizeof(c), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			lost++;
		} else if (n != sizeof(c) || memcmp(b, c, sizeof(b))) {
			fail("datagram at home", dgrams);
			break;
		}
		dgrams++;
		usleep(1000);
	}
	pthread_join(t, NULL);
	if (failed)
		return 1;
	if (lost * 100 > dgrams) {
		printf("setns_churn: %ld of %ld datagrams at home lost\n", lost, dgrams);
		return 1;
	}
	if (!rounds || !dgrams) {
		printf("setns_churn: %ld namespaces, %ld datagrams: nothing ran\n", rounds, dgrams);
		return 2;
	}
	printf("setns_churn: %ld namespaces (each: 64 KiB TCP sent before and after setns, UDP from inside, from outside and from inside again by fd; all checked; closed in TIME_WAIT and with data queued), %ld datagrams at home (%ld lost to timeouts)\n",
	       rounds, dgrams, lost);
	return 0;
}
