/* udp-floor: the least a UDP stream can cost, for scripts/perfbench.sh's
 * udp_floor workload. 1400-byte datagrams, 64 to a sendmmsg or recvmmsg
 * (tub's plain batch), and nothing else: no header, no sequence, no clock
 * per datagram, no accounting. What it reaches is what the kernel carries
 * on this host, and no program that sends datagrams one by one (without
 * UDP_SEGMENT) can go much faster.
 *
 *   udp-floor recv ADDR PORT SECONDS   count what arrives; prints a line
 *                                      "ready" once bound, then the figures
 *   udp-floor send ADDR PORT SECONDS   send as fast as the kernel takes
 *
 * The receiver ends 300 ms after the last datagram, or SECONDS + 10 s after
 * it started with nothing come (exit 1). Bad usage: exit 2. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define DGRAM 1400
#define BATCH 64
#define IDLE_NS 300000000ULL /* the stream is over after this long quiet */
#define WAIT_NS 10000000000ULL

static uint8_t bufs[BATCH][DGRAM];
static struct iovec iov[BATCH];
static struct mmsghdr mm[BATCH];

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static void usage(const char *why)
{
	fprintf(stderr, "udp-floor: %s; usage: udp-floor recv|send ADDR "
		"PORT SECONDS\n", why);
	exit(2);
}

static void batch_init(size_t len)
{
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = len;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
}

static int floor_recv(int fd, uint64_t seconds)
{
	struct timeval tv = {.tv_usec = 100000};
	uint64_t n = 0, first = 0, last = 0, start = now_ns();

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		perror("udp-floor: SO_RCVTIMEO");
		return 1;
	}
	batch_init(DGRAM);
	printf("udp-floor: ready\n");
	fflush(stdout);
	for (;;) {
		int r = recvmmsg(fd, mm, BATCH, 0, NULL);
		uint64_t t = now_ns();
		if (r > 0) {
			if (n == 0)
				first = t;
			n += (uint64_t)r;
			last = t;
			continue;
		}
		if (r < 0 && errno != EAGAIN && errno != EINTR) {
			perror("udp-floor: recvmmsg");
			return 1;
		}
		if (n > 0 && t - last >= IDLE_NS)
			break;
		if (n == 0 && t - start >= seconds * 1000000000ULL + WAIT_NS) {
			fprintf(stderr, "udp-floor: nothing arrived\n");
			return 1;
		}
	}
	double s = (last - first) / 1e9;
	printf("datagrams %llu bytes %llu seconds %.6f bits_per_second %.0f\n",
	       (unsigned long long)n, (unsigned long long)n * DGRAM, s,
	       s > 0 ? n * DGRAM * 8 / s : 0);
	return 0;
}

static int floor_send(int fd, uint64_t seconds)
{
	uint64_t n = 0, refused = 0, start = now_ns(), t = start;
	uint64_t end = start + seconds * 1000000000ULL;

	batch_init(DGRAM);
	while ((t = now_ns()) < end) {
		int r = sendmmsg(fd, mm, BATCH, 0);
		if (r > 0)
			n += (uint64_t)r;
		else if (errno == ECONNREFUSED)
			refused++; /* no receiver yet, or it ended */
		else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("udp-floor: sendmmsg");
			return 1;
		}
	}
	double s = (t - start) / 1e9;
	printf("datagrams %llu bytes %llu seconds %.6f bits_per_second %.0f "
	       "refused %llu\n", (unsigned long long)n,
	       (unsigned long long)n * DGRAM, s, n * DGRAM * 8 / s,
	       (unsigned long long)refused);
	return n > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	char *end;

	if (argc != 5)
		usage("four arguments");
	int rx = strcmp(argv[1], "recv") == 0;
	if (!rx && strcmp(argv[1], "send") != 0)
		usage("recv or send");
	if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1)
		usage("ADDR: an IPv4 address");
	unsigned long port = strtoul(argv[3], &end, 10);
	if (*argv[3] == '\0' || *end != '\0' || port == 0 || port > 65535)
		usage("PORT: 1..65535");
	unsigned long sec = strtoul(argv[4], &end, 10);
	if (*argv[4] == '\0' || *end != '\0' || sec == 0 || sec > 3600)
		usage("SECONDS: 1..3600");
	a.sin_port = htons((uint16_t)port);

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp-floor: socket");
		return 1;
	}
	if ((rx ? bind(fd, (struct sockaddr *)&a, sizeof a)
		  : connect(fd, (struct sockaddr *)&a, sizeof a)) < 0) {
		fprintf(stderr, "udp-floor: %s %s:%lu: %s\n",
			rx ? "bind" : "connect", argv[2], port,
			strerror(errno));
		return 1;
	}
	return rx ? floor_recv(fd, sec) : floor_send(fd, sec);
}
