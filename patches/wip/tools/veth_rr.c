// veth_rr: UDP round trips of 1000 bytes between init_net and a namespace
// over a veth pair; prints round trips and guest ns (= instructions under
// -icount shift=0) for runs 1..3 (argv[1]: how many runs), and payload
// counters.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define N 2000
#define LEN 1000

static long st(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/sys/kernel/debug/asi/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = atol(line + strlen(key) + 1);
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 3;
	int p[2], q[2], s, i, r;
	char buf[LEN], c;
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(9000) };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9001) };
	pid_t pid;
	char cmd[256];

	inet_pton(AF_INET, "10.99.0.2", &b.sin_addr);
	inet_pton(AF_INET, "10.99.0.1", &a.sin_addr);
	pipe(p);
	pipe(q);
	pid = fork();
	if (!pid) {
		struct sockaddr_in from;
		socklen_t fl;

		unshare(CLONE_NEWNET);
		system("ip link set lo up");
		write(q[1], "x", 1);
		read(p[0], &c, 1);
		system("ip addr add 10.99.0.2/24 dev vb && ip link set vb up");
		s = socket(AF_INET, SOCK_DGRAM, 0);
		bind(s, (struct sockaddr *)&b, sizeof(b));
		write(q[1], "x", 1);
		for (;;) {
			fl = sizeof(from);
			r = recvfrom(s, buf, LEN, 0, (struct sockaddr *)&from, &fl);
			if (r <= 0)
				_exit(0);
			sendto(s, buf, r, 0, (struct sockaddr *)&from, fl);
		}
	}
	read(q[0], &c, 1);
	snprintf(cmd, sizeof(cmd), "ip link add va type veth peer name vb netns %d && ip addr add 10.99.0.1/24 dev va && ip link set va up", pid);
	if (system(cmd))
		return 1;
	write(p[1], "x", 1);
	read(q[0], &c, 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	bind(s, (struct sockaddr *)&a, sizeof(a));
	connect(s, (struct sockaddr *)&b, sizeof(b));
	memset(buf, 7, LEN);
	for (i = 0; i < 50; i++) {	/* warm up, ARP */
		send(s, buf, LEN, 0);
		recv(s, buf, LEN, 0);
	}
	for (r = 1; r <= runs; r++) {
		long sh = st("payload_shares"), rh = st("payload_rehomes"), fb = st("private_fallbacks");
		long rf = st("rehome_fallbacks");
		long ei = st("exits_interrupt"), ec = st("exits_crossing"), cr = st("cr3_writes");
		double t0 = now();

		for (i = 0; i < N; i++) {
			if (send(s, buf, LEN, 0) != LEN || recv(s, buf, LEN, 0) != LEN)
				return 2;
		}
		double t1 = now();

		printf("veth_rr run %d: %d round trips, %.0f ns, %.0f per rt; shares %ld rehomes %ld fallbacks %ld/%ld exits_interrupt %ld exits_crossing %ld cr3 %ld\n",
		       r, N, t1 - t0, (t1 - t0) / N, st("payload_shares") - sh,
		       st("payload_rehomes") - rh, st("private_fallbacks") - fb, st("rehome_fallbacks") - rf,
		       st("exits_interrupt") - ei, st("exits_crossing") - ec, st("cr3_writes") - cr);
	}
	kill(pid, 9);
	system("ip link del va");
	return 0;
}
