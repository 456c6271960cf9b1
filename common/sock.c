#include "sock.h"

#include "spec.h"

#ifdef __linux__
#include <linux/sock_diag.h>
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fiber.h"

static int wait_fd(int fd, short events, uint64_t deadline_ns)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		int r = fiber_poll(&p, 1, deadline_ns);
		if (r > 0)
			return 1;
		if (r < 0)
			return -1;
		if (clock_now_ns() >= deadline_ns)
			return 0;
	}
}

int sock_wait_readable(int fd, uint64_t deadline_ns)
{
	return wait_fd(fd, POLLIN, deadline_ns);
}

int sock_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

static int listen_on(const struct sockaddr *sa, socklen_t len, int dual)
{
	int one = 1, zero = 0;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (dual && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			       sizeof zero) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0 || listen(fd, SOCK_BACKLOG) < 0)
		goto fail;
	return fd;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

int sock_listen_tcp(const char *host, uint16_t port, char *err, size_t errlen)
{
	if (host == NULL || *host == '\0') {
		struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
					  .sin6_port = htons(port),
					  .sin6_addr = IN6ADDR_ANY_INIT};
		int fd = listen_on((struct sockaddr *)&a6, sizeof a6, 1);
		if (fd >= 0)
			return fd;
		struct sockaddr_in a4 = {.sin_family = AF_INET,
					 .sin_port = htons(port),
					 .sin_addr.s_addr = htonl(INADDR_ANY)};
		fd = listen_on((struct sockaddr *)&a4, sizeof a4, 0);
		if (fd < 0)
			snprintf(err, errlen, "cannot listen on port %u: %s",
				 port, strerror(errno));
		return fd;
	}

	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res;
	char service[8];
	snprintf(service, sizeof service, "%u", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
			 gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = listen_on(ai->ai_addr, ai->ai_addrlen, 0);
	if (fd < 0)
		snprintf(err, errlen, "cannot listen on %s port %u: %s", host,
			 port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

int sock_connect(int fd, const struct sock_addr *addr, int timeout_ms)
{
	if (sock_set_nonblock(fd, 1) < 0)
		return -1;
	int r = connect(fd, (const struct sockaddr *)&addr->ss, addr->len);
	if (r < 0 && errno != EINPROGRESS)
		return -1;
	if (r < 0) {
		uint64_t deadline = clock_now_ns() +
				    (uint64_t)timeout_ms * TUB_NSEC_PER_MSEC;
		int w;
		do
			w = wait_fd(fd, POLLOUT, deadline);
		while (w < 0 && errno == EINTR);
		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			return -1;
		if (soerr != 0) {
			errno = soerr;
			return -1;
		}
	}
	return sock_set_nonblock(fd, 0);
}

int sock_dial_tcp(const char *host, uint16_t port, int timeout_ms, char *err,
		  size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG};
	struct addrinfo *res;
	char service[8];
	snprintf(service, sizeof service, "%u", port);
	int rc = getaddrinfo(host, service, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY || rc == EAI_NODATA) {
		hints.ai_flags &= ~AI_ADDRCONFIG; /* loopback-only hosts */
		rc = getaddrinfo(host, service, &hints, &res);
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
			 gai_strerror(rc));
		return -1;
	}
	int fd = -1, e = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		struct sock_addr a = {.len = ai->ai_addrlen};
		memcpy(&a.ss, ai->ai_addr, ai->ai_addrlen);
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && sock_connect(fd, &a, timeout_ms) == 0)
			break;
		e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(err, errlen, "cannot connect to %s port %u: %s", host,
			 port, strerror(e));
	return fd;
}

int sock_accept(int lfd, uint64_t deadline_ns, struct sock_addr *peer)
{
	struct sock_addr tmp;
	struct sock_addr *p = peer ? peer : &tmp;

	for (;;) {
		int w = wait_fd(lfd, POLLIN, deadline_ns);
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		p->len = sizeof p->ss;
		int fd = accept4(lfd, (struct sockaddr *)&p->ss, &p->len,
				 SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != ECONNABORTED && errno != EINTR)
			return -1;
	}
}

int sock_local(int fd, struct sock_addr *out)
{
	out->len = sizeof out->ss;
	return getsockname(fd, (struct sockaddr *)&out->ss, &out->len);
}

int sock_peer(int fd, struct sock_addr *out)
{
	out->len = sizeof out->ss;
	return getpeername(fd, (struct sockaddr *)&out->ss, &out->len);
}

uint16_t sock_port(const struct sock_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

void sock_set_port(struct sock_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

int sock_family(const struct sock_addr *a)
{
	return a->ss.ss_family;
}

/* The IPv4 address of a, looking through IPv4-mapped IPv6; 0 if none. */
static int as_ipv4(const struct sock_addr *a, struct in_addr *out)
{
	if (a->ss.ss_family == AF_INET) {
		*out = ((const struct sockaddr_in *)&a->ss)->sin_addr;
		return 1;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct in6_addr *v6 =
			&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(v6)) {
			memcpy(&out->s_addr, &v6->s6_addr[12], 4);
			return 1;
		}
	}
	return 0;
}

void sock_unmap(struct sock_addr *a)
{
	struct in_addr v4;

	if (a->ss.ss_family != AF_INET6 || !as_ipv4(a, &v4))
		return;
	uint16_t port = sock_port(a);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	memset(&a->ss, 0, sizeof a->ss);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	s4->sin_addr = v4;
	a->len = sizeof *s4;
}

int sock_same_host(const struct sock_addr *a, const struct sock_addr *b)
{
	struct in_addr a4 = {0}, b4 = {0};
	int ia = as_ipv4(a, &a4), ib = as_ipv4(b, &b4);

	if (ia || ib)
		return ia && ib && a4.s_addr == b4.s_addr;
	if (a->ss.ss_family != AF_INET6 || b->ss.ss_family != AF_INET6)
		return 0;
	const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)&a->ss;
	const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)&b->ss;
	return memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

char *sock_addr_str(const struct sock_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (a->ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr,
			  host, sizeof host);
		snprintf(buf, len, "%s:%u", host, sock_port(a));
	} else if (a->ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
			  host, sizeof host);
		snprintf(buf, len, "[%s]:%u", host, sock_port(a));
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

static int io_full(int fd, void *buf, size_t n, uint64_t deadline_ns, int out)
{
	unsigned char *p = buf;
	size_t done = 0;

	while (done < n) {
		int w = wait_fd(fd, out ? POLLOUT : POLLIN, deadline_ns);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		ssize_t r = out ? send(fd, p + done, n - done,
				       MSG_NOSIGNAL | MSG_DONTWAIT)
				: recv(fd, p + done, n - done, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (r == 0 && !out) {
			errno = done ? ECONNRESET : EPIPE;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int sock_read_full(int fd, void *buf, size_t n, uint64_t deadline_ns)
{
	return io_full(fd, buf, n, deadline_ns, 0);
}

int sock_write_full(int fd, const void *buf, size_t n, uint64_t deadline_ns)
{
	return io_full(fd, (void *)buf, n, deadline_ns, 1);
}

/* Count lines of a /proc/net/tcp* table in state 06 (TIME_WAIT) whose
 * remote address ends in :port (hex). */
static int count_tw_in(const char *path, uint16_t port)
{
	char line[512], want[8];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return -1;
	snprintf(want, sizeof want, ":%04X", port);
	while (fgets(line, sizeof line, f)) {
		char local[64], remote[64], st[8];
		if (sscanf(line, " %*[^:]: %63s %63s %7s", local, remote, st) != 3)
			continue;
		size_t rl = strlen(remote);
		if (strcmp(st, "06") == 0 && rl > 5 &&
		    strcmp(remote + rl - 5, want) == 0)
			n++;
	}
	fclose(f);
	return n;
}

int sock_count_timewait(uint16_t port)
{
	int v4 = count_tw_in("/proc/net/tcp", port);
	int v6 = count_tw_in("/proc/net/tcp6", port);

	if (v4 < 0 && v6 < 0)
		return -1;
	return (v4 > 0 ? v4 : 0) + (v6 > 0 ? v6 : 0);
}

uint32_t sock_path_mtu(int fd, int family)
{
	int mtu = 0;
	socklen_t len = sizeof mtu;

#if defined(IP_MTU) && defined(IPV6_MTU)
	if (getsockopt(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       family == AF_INET6 ? IPV6_MTU : IP_MTU, &mtu, &len) < 0)
		return 0;
#else
	(void)fd;
	(void)family;
	(void)len;
#endif
	return mtu > 0 ? (uint32_t)mtu : 0;
}

/* The value under name in a /proc/net/snmp pair of lines for prefix
 * ("Udp:"): the first line names the fields, the second has the values. */
static int snmp_field(const char *text, const char *prefix, const char *name,
		      uint64_t *out)
{
	size_t pl = strlen(prefix);
	const char *names = NULL, *vals = NULL;

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, prefix, pl) != 0)
			continue;
		if (names == NULL) {
			names = l + pl;
		} else {
			vals = l + pl;
			break;
		}
	}
	if (names == NULL || vals == NULL)
		return -1;
	for (;;) {
		while (*names == ' ')
			names++;
		while (*vals == ' ')
			vals++;
		if (*names == '\n' || *names == '\0' || *vals == '\n' ||
		    *vals == '\0')
			return -1;
		size_t n = strcspn(names, " \n");
		if (n == strlen(name) && strncmp(names, name, n) == 0) {
			char *end;
			unsigned long long v = strtoull(vals, &end, 10);
			if (end == vals)
				return -1;
			*out = v;
			return 0;
		}
		names += n;
		vals += strcspn(vals, " \n");
	}
}

void sock_snmp_read(struct tub_kernel *k)
{
	char text[8192];
	FILE *f = fopen("/proc/net/snmp", "r");
	size_t n = 0;

	memset(k, 0, sizeof *k);
	if (f == NULL)
		return;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	k->valid = snmp_field(text, "Udp:", "RcvbufErrors",
			      &k->udp_rcvbuf_errors) == 0 &&
		   snmp_field(text, "Ip:", "ReasmFails", &k->ip_reasm_fails) == 0 &&
		   snmp_field(text, "Tcp:", "RetransSegs",
			      &k->tcp_retrans_segs) == 0;
}

static uint64_t delta(uint64_t a, uint64_t b)
{
	return b >= a ? b - a : 0;
}

void sock_snmp_delta(const struct tub_kernel *before,
		     const struct tub_kernel *after, struct tub_kernel *out)
{
	memset(out, 0, sizeof *out);
	if (!before->valid || !after->valid)
		return;
	out->valid = 1;
	out->udp_rcvbuf_errors = delta(before->udp_rcvbuf_errors,
				       after->udp_rcvbuf_errors);
	out->ip_reasm_fails = delta(before->ip_reasm_fails,
				    after->ip_reasm_fails);
	out->tcp_retrans_segs = delta(before->tcp_retrans_segs,
				      after->tcp_retrans_segs);
}

int64_t sock_drops(int fd)
{
#if defined(SO_MEMINFO) && defined(__linux__) /* SK_MEMINFO_* are enums */
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof mem;

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len > SK_MEMINFO_DROPS * sizeof mem[0])
		return mem[SK_MEMINFO_DROPS];
#else
	(void)fd;
#endif
	return -1;
}

void sock_close(int fd, int reset)
{
	if (reset) {
		struct linger now = {.l_onoff = 1, .l_linger = 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
	}
	close(fd);
}
