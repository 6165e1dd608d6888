// SPDX-License-Identifier: GPL-2.0
/*
 * asi_bench: the guest side of `make bench`. Runs a fixed set of
 * workloads, each several times, and prints one CSV row per run with the
 * guest time and the change of the in-kernel counters (debugfs
 * asi/status, /proc/meminfo) across the run. Progress goes to stderr.
 *
 *   asi_bench [-q] [-r RUNS] [-w WORKLOAD] [-n OPS]
 *     -q: small operation counts (CI); -w: run only WORKLOAD; -n: OPS
 *     operations instead of the workload's count (for the cost of one
 *     operation apart from a workload's fixed cost: two runs, two counts)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_memfd_secret
#define __NR_memfd_secret 447
#endif

#define STATUS "/sys/kernel/debug/asi/status"

/* Event counters: reported as the change across a run. */
static const char *const events[] = {
	"cr3_writes", "asi_cr3_writes", "pair_loads", "exits_interrupt",
	"exits_kthread", "exits_audit", "exits_unexpected", "exits_crossing",
	"crossings_socket", "crossings_rehome", "crossings_address",
	"crossings_device", "payload_shares", "payload_rehomes",
	"rehome_fallbacks", "enters_user",
	"enters_interrupt", "violations", "barriers", "kernel_tlb_flushes",
	"pool_chunks_taken", "pool_tlb_flushes",
};
/* State figures: reported as the value after the run and its change. */
static const char *const states[] = {
	"view_pt_pages", "union_pt_pages", "pair_pgd_pages", "pool_chunks",
};
static const char *const meminfo_keys[] = { "DirectMap4k", "DirectMap2M" };

#define NR_EVENTS	(sizeof(events) / sizeof(events[0]))
#define NR_STATES	(sizeof(states) / sizeof(states[0]))
#define NR_MEMINFO	(sizeof(meminfo_keys) / sizeof(meminfo_keys[0]))

struct sample {
	long ev[NR_EVENTS];
	long st[NR_STATES];
	long mi[NR_MEMINFO];
	double t;
};

/* "key: value" from @path, or -1 (-1 for every key when the file is missing). */
static long lookup(const char *path, const char *key)
{
	char line[160];
	size_t n = strlen(key);
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			val = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sample(struct sample *s)
{
	unsigned int i;

	for (i = 0; i < NR_EVENTS; i++)
		s->ev[i] = lookup(STATUS, events[i]);
	for (i = 0; i < NR_STATES; i++)
		s->st[i] = lookup(STATUS, states[i]);
	for (i = 0; i < NR_MEMINFO; i++)
		s->mi[i] = lookup("/proc/meminfo", meminfo_keys[i]);
	s->t = now();
}

static void die(const char *what)
{
	fprintf(stderr, "asi_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The workloads: each does @n operations and returns how many it did. */

static long w_getpid(long n)
{
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getpid);
	return n;
}

static long w_read_zero(long n)
{
	static char buf[4096];
	int fd = open("/dev/zero", O_RDONLY);
	long i;

	if (fd < 0)
		die("/dev/zero");
	for (i = 0; i < n; i++)
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			die("read /dev/zero");
	close(fd);
	return n;
}

static long w_pipe(long n)
{
	char buf[64] = "x";
	int p[2];
	long i;

	if (pipe(p))
		die("pipe");
	for (i = 0; i < n; i++)
		if (write(p[1], buf, sizeof(buf)) != sizeof(buf) ||
		    read(p[0], buf, sizeof(buf)) != sizeof(buf))
			die("pipe i/o");
	close(p[0]);
	close(p[1]);
	return n;
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("child");
}

static long w_fork(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		reap(pid);
	}
	return n;
}

static long w_exec(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid) {
			execl("/bin/true", "true", NULL);
			_exit(127);
		}
		reap(pid);
	}
	return n;
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	caught++;
}

static long w_signal(long n)
{
	long i;

	signal(SIGUSR1, on_usr1);
	caught = 0;
	for (i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	if (caught != n)
		die("signals lost");
	return n;
}

static void *thread_fn(void *arg)
{
	return arg;
}

static long w_thread(long n)
{
	pthread_t t;
	long i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t, NULL, thread_fn, NULL) || pthread_join(t, NULL))
			die("thread");
	return n;
}

/*
 * Unpack a tree on tmpfs and checksum every file: one operation. In
 * busybox's shell, which runs its applets itself (the guest's /bin/sh is
 * dash, which would look each up in PATH and exec it), as before dash.
 */
static long w_tree(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid) {
			execl("/bin/busybox", "sh", "-c",
			      "mkdir -p /tmp/u && tar xf /tmp/bench.tar -C /tmp/u && "
			      "find /tmp/u -type f | xargs md5sum >/dev/null && rm -rf /tmp/u",
			      (char *)NULL);
			_exit(127);
		}
		reap(pid);
	}
	return n;
}

static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		die("lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("lo up");
	close(s);
}

/* Send @n chunks of 64 KiB from a child to this process over @fds. */
static long transfer(int rx, int tx, long n)
{
	static char buf[65536];
	long total = n * (long)sizeof(buf), got = 0;
	ssize_t r;
	pid_t pid = fork();

	if (!pid) {
		long i;

		close(rx);
		for (i = 0; i < n; i++)
			if (write(tx, buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(tx);
	while (got < total && (r = read(rx, buf, sizeof(buf))) > 0)
		got += r;
	close(rx);
	reap(pid);
	if (got != total)
		die("short transfer");
	return n;
}

static long w_unix(long n)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	return transfer(sv[0], sv[1], n);
}

static long w_tcp(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l, c, s;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len))
		die("tcp listen");
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&a, sizeof(a)))
		die("tcp connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("tcp accept");
	close(l);
	return transfer(s, c, n);
}

/* @fn(@n) in a new network namespace, its loopback up (a child does it). */
static long in_netns(long (*fn)(long n), long n)
{
	pid_t pid = fork();

	if (!pid) {
		if (unshare(CLONE_NEWNET))
			die("unshare");
		lo_up();
		fn(n);
		_exit(0);
	}
	reap(pid);
	return n;
}

/* The same TCP transfer in a new network namespace. */
static long w_netns_tcp(long n)
{
	return in_netns(w_tcp, n);
}

/*
 * The AF_UNIX stream transfer in a new network namespace: with asi=on its
 * payload is private to the namespace's view.
 */
static long w_netns_unix(long n)
{
	return in_netns(w_unix, n);
}

/* 64-byte messages both ways over an AF_UNIX stream pair, @n round trips. */
static long w_unix_rr(long n)
{
	char buf[64] = "x";
	int sv[2];
	long i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (!pid) {
		close(sv[0]);
		for (i = 0; i < n; i++)
			if (read(sv[1], buf, sizeof(buf)) != sizeof(buf) ||
			    write(sv[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	for (i = 0; i < n; i++)
		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(sv[0], buf, sizeof(buf)) != sizeof(buf))
			die("unix_rr i/o");
	close(sv[0]);
	reap(pid);
	return n;
}

/* The same round trips in a new network namespace. */
static long w_netns_unix_rr(long n)
{
	return in_netns(w_unix_rr, n);
}

/*
 * @n datagrams of 1 KiB to a pathname AF_UNIX socket of this process from
 * a child; with @xns the child first moves to a new network namespace of
 * its own, so that each datagram crosses from one namespace into another
 * (with asi=on and a restricted direct map, no5lvl, it is copied from the
 * sender's view into the receiver's: skb_rehome(), counted as
 * crossings_rehome, one per datagram). unix_dgram is the same without the
 * move. xns_dgram's time includes the sender's namespace setup (see the
 * unshare workload); against asi=off most of it cancels out.
 */
static long dgram(long n, bool xns)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	/* a sender that fails sends nothing more: a receive waits 60 s at most */
	struct timeval tmo = { .tv_sec = 60 };
	static char buf[1024];
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	long i;
	pid_t pid;

	snprintf(a.sun_path, sizeof(a.sun_path), "/tmp/asi_bench.%d", getpid());
	unlink(a.sun_path);
	if (s < 0 || bind(s, (void *)&a, sizeof(a)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)))
		die("dgram bind");
	pid = fork();
	if (pid < 0)
		die("dgram fork");
	if (!pid) {
		int c;

		if (xns && unshare(CLONE_NEWNET))
			_exit(1);
		c = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (c < 0)
			_exit(1);
		for (i = 0; i < n; i++)
			if (sendto(c, buf, sizeof(buf), 0, (void *)&a, sizeof(a)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < n; i++)
		if (recv(s, buf, sizeof(buf), 0) != sizeof(buf))
			die("dgram recv (the sender failed or is stuck)");
	reap(pid);
	close(s);
	unlink(a.sun_path);
	return n;
}

static long w_unix_dgram(long n)
{
	return dgram(n, false);
}

static long w_xns_dgram_in(long n)
{
	return dgram(n, true);
}

/* Both ends in one new namespace: the reference for xns_dgram. */
static long w_netns_dgram(long n)
{
	return in_netns(w_unix_dgram, n);
}

/* Receiver in one new namespace, sender in another. */
static long w_xns_dgram(long n)
{
	return in_netns(w_xns_dgram_in, n);
}

/* A UDP socket bound to 127.0.0.1, any port; its address in @a. */
static int udp_bound(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (void *)a, sizeof(*a)) || getsockname(s, (void *)a, &len))
		die("udp bind");
	return s;
}

/*
 * 64-byte datagrams both ways between two connected UDP sockets over
 * loopback, @n round trips: with asi=on in a namespace, both sockets are
 * private to its view (netns_udp_rr).
 */
static long w_udp_rr(long n)
{
	struct sockaddr_in a, b;
	char buf[64] = "x";
	int s = udp_bound(&a), c = udp_bound(&b);
	long i;
	pid_t pid;

	if (connect(s, (void *)&b, sizeof(b)) || connect(c, (void *)&a, sizeof(a)))
		die("udp connect");
	pid = fork();
	if (!pid) {
		close(s);
		for (i = 0; i < n; i++)
			if (recv(c, buf, sizeof(buf), 0) != sizeof(buf) ||
			    send(c, buf, sizeof(buf), 0) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(c);
	for (i = 0; i < n; i++)
		if (send(s, buf, sizeof(buf), 0) != sizeof(buf) ||
		    recv(s, buf, sizeof(buf), 0) != sizeof(buf))
			die("udp_rr i/o");
	close(s);
	reap(pid);
	return n;
}

static long w_netns_udp_rr(long n)
{
	return in_netns(w_udp_rr, n);
}

/*
 * @n UDP sockets made, bound to loopback and closed: a bound socket is
 * freed after an RCU grace period (with asi=on in a namespace, through
 * the private socks' deferred list rather than call_rcu()).
 */
static long w_udp_sock(long n)
{
	struct sockaddr_in a;
	long i;

	for (i = 0; i < n; i++)
		close(udp_bound(&a));
	return n;
}

static long w_netns_udp_sock(long n)
{
	return in_netns(w_udp_sock, n);
}

/*
 * 64-byte round trips between two processes over two pipes: what a round
 * trip costs apart from sockets (two context switches).
 */
static long w_pipe_rr(long n)
{
	char buf[64] = "x";
	int to[2], from[2];
	long i;
	pid_t pid;

	if (pipe(to) || pipe(from))
		die("pipe");
	pid = fork();
	if (!pid) {
		for (i = 0; i < n; i++)
			if (read(to[0], buf, sizeof(buf)) != sizeof(buf) ||
			    write(from[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < n; i++)
		if (write(to[1], buf, sizeof(buf)) != sizeof(buf) ||
		    read(from[0], buf, sizeof(buf)) != sizeof(buf))
			die("pipe_rr i/o");
	reap(pid);
	close(to[0]);
	close(to[1]);
	close(from[0]);
	close(from[1]);
	return n;
}

/* The same in a new network namespace: what its view costs without sockets. */
static long w_netns_pipe_rr(long n)
{
	return in_netns(w_pipe_rr, n);
}

/*
 * unshare(CLONE_NEWNET) and exit, @n times: a child makes a namespace (and,
 * with asi=on, its view and its pair) and exits; the namespace's end runs
 * later, on a workqueue, and is counted in whichever run it lands.
 */
static long w_unshare(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (!pid)
			_exit(unshare(CLONE_NEWNET) ? 1 : 0);
		reap(pid);
	}
	return n;
}

/*
 * setns() into another network namespace and back, @n times: the CNI
 * plugin's pattern. The namespace is a child's, held open by its fd.
 */
static long w_setns(long n)
{
	int home = open("/proc/self/ns/net", O_RDONLY), other, p[2];
	char path[64], c;
	pid_t pid;
	long i;

	if (home < 0 || pipe(p))
		die("setns: open");
	pid = fork();
	if (!pid) {
		if (unshare(CLONE_NEWNET) || write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		die("setns: child");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	other = open(path, O_RDONLY);
	if (other < 0)
		die("setns: open child's");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < n; i++)
		if (setns(other, CLONE_NEWNET) || setns(home, CLONE_NEWNET))
			die("setns");
	close(other);
	close(home);
	close(p[0]);
	close(p[1]);
	return n;
}

/*
 * Traffic over a veth pair between two namespaces: this process's (the
 * host's, or with @netns a namespace of its own, for the runs of the
 * workload) at 10.99.0.1 and a child's at 10.99.0.2, which echoes UDP
 * datagrams and the bytes of one TCP connection, and sinks a second
 * TCP connection's streams, acking each. veth_setup() and
 * veth_teardown() run outside the measured runs, which move only the
 * traffic: connections are made, neighbours resolved and IPv6 kept off
 * the pair (no neighbour discovery or MLD in a run) beforehand.
 */
#define VETH_PORT	9000
#define VETH_MSG	1000

static pid_t veth_server;
static int veth_home = -1, veth_udp = -1, veth_tcp = -1, veth_stream = -1;
static long veth_views;

static void sh(const char *fmt, int arg)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	if (system(cmd))
		die(cmd);
}

/* IPv6 off on @dev, where there is IPv6 */
static void no_ipv6(const char *dev)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			die("disable_ipv6");
		close(fd);
	}
}

static void veth_addr(struct sockaddr_in *a, const char *ip)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(VETH_PORT);
	inet_pton(AF_INET, ip, &a->sin_addr);
}

static bool read_all(int fd, void *buf, size_t len)
{
	ssize_t r;

	for (; len; len -= r, buf = (char *)buf + r) {
		r = read(fd, buf, len);
		if (r <= 0)
			return false;
	}
	return true;
}

/*
 * A TCP connection of the server: 'r' echoes VETH_MSG-byte messages,
 * 's' reads a count of bytes and acks them once read, until EOF.
 */
static void veth_conn(int c)
{
	static char buf[65536];
	long len, got;
	ssize_t r;
	char mode;

	if (!read_all(c, &mode, 1))
		_exit(1);
	for (;;) {
		if (mode == 'r') {
			if (!read_all(c, buf, VETH_MSG))
				_exit(0);
			if (write(c, buf, VETH_MSG) != VETH_MSG)
				_exit(1);
			continue;
		}
		if (!read_all(c, &len, sizeof(len)))
			_exit(0);
		for (got = 0; got < len; got += r) {
			r = read(c, buf, sizeof(buf) < (size_t)(len - got) ? sizeof(buf) : len - got);
			if (r <= 0)
				_exit(1);
		}
		if (write(c, "x", 1) != 1)
			_exit(1);
	}
}

/* The child's side, a process group of its own, until killed. */
static void veth_serve(int ready)
{
	static char buf[65536];
	struct sockaddr_in a, from;
	socklen_t fl;
	int u, l, c, one = 1;
	ssize_t r;

	veth_addr(&a, "10.99.0.2");
	signal(SIGCHLD, SIG_IGN);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (u < 0 || l < 0 || bind(u, (void *)&a, sizeof(a)) ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (void *)&a, sizeof(a)) || listen(l, 8) || write(ready, "x", 1) != 1)
		_exit(1);
	if (!fork()) {
		close(l);
		for (;;) {
			fl = sizeof(from);
			r = recvfrom(u, buf, sizeof(buf), 0, (void *)&from, &fl);
			if (r < 0 || sendto(u, buf, r, 0, (void *)&from, fl) != r)
				_exit(1);
		}
	}
	close(u);
	for (;;) {
		c = accept(l, NULL, NULL);
		if (c < 0)
			_exit(1);
		if (!fork()) {
			close(l);
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			veth_conn(c);
		}
		close(c);
	}
}

static int veth_connect(int type, char mode)
{
	struct timeval tmo = { .tv_sec = 30 };
	struct sockaddr_in b;
	int s = socket(AF_INET, type, 0), one = 1;

	veth_addr(&b, "10.99.0.2");
	/* a lost datagram or a dead server fails the run, not hangs it */
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) ||
	    connect(s, (void *)&b, sizeof(b)))
		die("veth connect");
	if (type == SOCK_STREAM &&
	    (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	     write(s, &mode, 1) != 1))
		die("veth tcp mode");
	return s;
}

/* @n round trips of VETH_MSG bytes on connected socket @s */
static long veth_rr(int s, long n)
{
	static char buf[VETH_MSG];
	long i, got;
	ssize_t r;

	for (i = 0; i < n; i++) {
		if (send(s, buf, sizeof(buf), 0) != sizeof(buf))
			die("veth send");
		for (got = 0; got < (long)sizeof(buf); got += r) {
			r = recv(s, buf + got, sizeof(buf) - got, 0);
			if (r <= 0)
				die("veth recv");
		}
	}
	return n;
}

/* @n chunks of 64 KiB one way on the stream connection, acked at the end */
static long veth_send_stream(long n)
{
	static char buf[65536];
	long len = n * (long)sizeof(buf), i;
	char c;

	if (write(veth_stream, &len, sizeof(len)) != sizeof(len))
		die("veth stream");
	for (i = 0; i < n; i++)
		if (write(veth_stream, buf, sizeof(buf)) != sizeof(buf))
			die("veth stream");
	if (read(veth_stream, &c, 1) != 1)
		die("veth stream ack");
	return n;
}

static void veth_setup(bool netns)
{
	int p[2], q[2];
	char c;

	veth_views = lookup(STATUS, "views");
	if (pipe(p) || pipe(q))
		die("veth: pipe");
	fflush(NULL);
	veth_server = fork();	/* a die() below leaves it: the boot ends with the bench */
	if (veth_server < 0)
		die("veth: fork");
	if (!veth_server) {
		close(p[1]);
		close(q[0]);
		if (setpgid(0, 0) || unshare(CLONE_NEWNET))
			_exit(1);
		lo_up();
		if (write(q[1], "x", 1) != 1 || read(p[0], &c, 1) != 1)
			_exit(1);
		no_ipv6("vb");
		if (system("ip addr add 10.99.0.2/24 dev vb && ip link set vb up"))
			_exit(1);
		veth_serve(q[1]);
	}
	/* a server that dies closes its ends: the reads below fail */
	close(p[0]);
	close(q[1]);
	if (read(q[0], &c, 1) != 1)
		die("veth: server");
	if (netns) {
		veth_home = open("/proc/self/ns/net", O_RDONLY);
		if (veth_home < 0 || unshare(CLONE_NEWNET))
			die("veth: unshare");
		lo_up();
	}
	sh("ip link add va type veth peer name vb netns %d", veth_server);
	no_ipv6("va");
	if (system("ip addr add 10.99.0.1/24 dev va && ip link set va up"))
		die("veth: va up");
	if (write(p[1], "x", 1) != 1 || read(q[0], &c, 1) != 1)
		die("veth: server setup");
	close(p[1]);
	close(q[0]);
	veth_udp = veth_connect(SOCK_DGRAM, 0);
	veth_tcp = veth_connect(SOCK_STREAM, 'r');
	veth_stream = veth_connect(SOCK_STREAM, 's');
	/* neighbour resolution, the first sends: not in the runs */
	veth_rr(veth_udp, 50);
	veth_rr(veth_tcp, 50);
	veth_send_stream(4);
}

/* an orderly end of a TCP connection: its peer has closed too */
static void veth_close(int s)
{
	char c;

	if (shutdown(s, SHUT_WR))
		die("veth: shutdown");
	while (read(s, &c, 1) > 0)
		;
	close(s);
}

static void veth_teardown(void)
{
	long i, views = -1;

	close(veth_udp);
	veth_close(veth_tcp);
	veth_close(veth_stream);
	/* first: the pair would go with the server's namespace, at any time */
	if (system("ip link del va"))
		die("veth: ip link del");
	kill(-veth_server, SIGKILL);
	waitpid(veth_server, NULL, 0);
	if (veth_home >= 0) {
		if (setns(veth_home, CLONE_NEWNET))
			die("veth: setns home");
		close(veth_home);
		veth_home = -1;
	}
	/*
	 * The namespaces end on a workqueue: before the next workload, with
	 * asi=off too (where no view counts them), then their views.
	 */
	sleep(2);
	for (i = 0; i < 300; i++) {
		views = lookup(STATUS, "views");
		if (views <= veth_views)
			return;
		usleep(100000);
	}
	fprintf(stderr, "asi_bench: veth: %ld views 30 s after teardown, %ld before setup\n",
		views, veth_views);
}

static void veth_host(void)
{
	veth_setup(false);
}

static void veth_netns(void)
{
	veth_setup(true);
}

/* 1000-byte UDP datagrams both ways, @n round trips */
static long w_veth_udp_rr(long n)
{
	return veth_rr(veth_udp, n);
}

/* 1000 bytes both ways on a TCP connection (TCP_NODELAY), @n round trips */
static long w_veth_tcp_rr(long n)
{
	return veth_rr(veth_tcp, n);
}

/* @n chunks of 64 KiB one way on a TCP connection, acked at the end */
static long w_veth_tcp(long n)
{
	return veth_send_stream(n);
}

/* Populate @n pages of secret memory (256 MiB; -q: 32 MiB), free them, wait for the pool. */
static long w_secret(long n)
{
	long used = lookup(STATUS, "pool_pages_used"), i;
	size_t size = n * 4096UL;
	int fd = syscall(__NR_memfd_secret, 0);
	char *p;

	if (fd < 0 || ftruncate(fd, size))
		die("memfd_secret");
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap secret");
	for (i = 0; i < n; i++)
		p[i * 4096] = 1;
	munmap(p, size);
	close(fd);
	for (i = 0; used >= 0 && i < 500 && lookup(STATUS, "pool_pages_used") != used; i++)
		usleep(10000);
	return n;
}

/*
 * settle: seconds to let the work a workload leaves behind finish before
 * the next run is sampled (a network namespace ends on a workqueue): idle
 * time, outside the measurement, so that it is not charged to the next
 * workload, under -icount least of all.
 */
static const struct workload {
	const char *name;
	long (*fn)(long n);
	long full, quick;
	unsigned int settle;
	/* before the first run and after the last, outside the runs */
	void (*setup)(void), (*teardown)(void);
} workloads[] = {
	{ "getpid", w_getpid, 200000, 20000 },
	{ "read_zero", w_read_zero, 50000, 5000 },
	{ "pipe", w_pipe, 50000, 5000 },
	{ "fork", w_fork, 500, 50 },
	{ "exec", w_exec, 200, 20 },
	{ "signal", w_signal, 50000, 5000 },
	{ "thread", w_thread, 500, 50 },
	{ "tree", w_tree, 2, 1 },
	{ "unix", w_unix, 256, 32 },
	{ "netns_unix", w_netns_unix, 256, 32, 2 },
	{ "unix_rr", w_unix_rr, 5000, 500 },
	{ "netns_unix_rr", w_netns_unix_rr, 5000, 500, 2 },
	{ "unix_dgram", w_unix_dgram, 5000, 500 },
	{ "netns_dgram", w_netns_dgram, 5000, 500, 2 },
	{ "xns_dgram", w_xns_dgram, 5000, 500, 2 },
	{ "pipe_rr", w_pipe_rr, 5000, 500 },
	{ "netns_pipe_rr", w_netns_pipe_rr, 5000, 500, 2 },
	{ "udp_rr", w_udp_rr, 5000, 500 },
	{ "netns_udp_rr", w_netns_udp_rr, 5000, 500, 2 },
	{ "udp_sock", w_udp_sock, 2000, 200, 2 },
	{ "netns_udp_sock", w_netns_udp_sock, 2000, 200, 2 },
	{ "tcp", w_tcp, 256, 32 },
	{ "netns_tcp", w_netns_tcp, 256, 32, 2 },
	{ "veth_udp_rr", w_veth_udp_rr, 2000, 200, 0, veth_host, veth_teardown },
	{ "netns_veth_udp_rr", w_veth_udp_rr, 2000, 200, 0, veth_netns, veth_teardown },
	{ "veth_tcp_rr", w_veth_tcp_rr, 2000, 200, 0, veth_host, veth_teardown },
	{ "netns_veth_tcp_rr", w_veth_tcp_rr, 2000, 200, 0, veth_netns, veth_teardown },
	{ "veth_tcp", w_veth_tcp, 256, 32, 0, veth_host, veth_teardown },
	{ "netns_veth_tcp", w_veth_tcp, 256, 32, 0, veth_netns, veth_teardown },
	{ "unshare", w_unshare, 200, 20, 2 },
	{ "setns", w_setns, 5000, 500, 2 },
	{ "secretmem", w_secret, 65536, 8192 },
};

int main(int argc, char **argv)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	const char *only = NULL;
	bool quick = false;
	unsigned int w, i;
	int runs = 5, opt, r;
	long ops_arg = 0;

	while ((opt = getopt(argc, argv, "qr:w:n:")) != -1) {
		if (opt == 'q')
			quick = true;
		else if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 'w')
			only = optarg;
		else if (opt == 'n')
			ops_arg = atol(optarg);
		else
			return 2;
	}
	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	/* a write to a dead peer fails with EPIPE and a message */
	signal(SIGPIPE, SIG_IGN);
	lo_up();
	if (system("tar cf /tmp/bench.tar /bin /tests 2>/dev/null"))
		die("making /tmp/bench.tar");

	printf("workload,run,ops,seconds");
	for (i = 0; i < NR_EVENTS; i++)
		printf(",%s", events[i]);
	for (i = 0; i < NR_STATES; i++)
		printf(",%s,%s_delta", states[i], states[i]);
	for (i = 0; i < NR_MEMINFO; i++)
		printf(",%s_kB,%s_delta_kB", meminfo_keys[i], meminfo_keys[i]);
	printf("\n");
	fflush(stdout);

	for (w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
		const struct workload *wl = &workloads[w];
		long n = ops_arg ? ops_arg : quick ? wl->quick : wl->full;

		if (only && strcmp(only, wl->name))
			continue;
		if (wl->setup)
			wl->setup();

		for (r = 1; r <= runs; r++) {
			struct sample a, b;
			long ops;

			fprintf(stderr, "bench: %s run %d/%d (%ld operations)\n", wl->name, r, runs, n);
			sample(&a);
			ops = wl->fn(n);
			sample(&b);
			if (wl->settle)
				sleep(wl->settle);
			printf("%s,%d,%ld,%.6f", wl->name, r, ops, b.t - a.t);
			for (i = 0; i < NR_EVENTS; i++)
				printf(",%ld", a.ev[i] < 0 ? -1 : b.ev[i] - a.ev[i]);
			for (i = 0; i < NR_STATES; i++)
				printf(",%ld,%ld", b.st[i], a.st[i] < 0 ? -1 : b.st[i] - a.st[i]);
			for (i = 0; i < NR_MEMINFO; i++)
				printf(",%ld,%ld", b.mi[i], b.mi[i] - a.mi[i]);
			printf("\n");
			fflush(stdout);
		}
		if (wl->teardown)
			wl->teardown();
	}
	return 0;
}
