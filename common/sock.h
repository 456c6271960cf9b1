/* Addresses and sockets: resolution (IPv4 and IPv6), listening, connecting
 * with a timeout, exact reads and writes with a deadline. Library code: no
 * printing; errors come back as -1 with errno and, where asked, a line of
 * text in the caller's buffer. */
#ifndef TUB_SOCK_H
#define TUB_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct sock_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

#define SOCK_BACKLOG 1024 /* the kernel caps it at net.core.somaxconn */

/* Listening TCP socket on host:port; host NULL or "" binds every address,
 * IPv6 and IPv4 together where the system allows (IPv4 alone otherwise).
 * port 0 takes an ephemeral port. Returns the fd, or -1 with err filled. */
int sock_listen_tcp(const char *host, uint16_t port, char *err, size_t errlen);

/* Connect a TCP socket to host:port, trying each resolved address, each
 * within timeout_ms. Returns the fd (blocking mode), or -1 with err. */
int sock_dial_tcp(const char *host, uint16_t port, int timeout_ms, char *err,
		  size_t errlen);

/* Connect an existing socket to addr within timeout_ms; 0 or -1 (errno). */
int sock_connect(int fd, const struct sock_addr *addr, int timeout_ms);

/* Accept on a listening socket until deadline_ns (monotonic); the fd, or -1
 * (errno ETIMEDOUT on timeout). The peer's address goes to peer if given. */
int sock_accept(int lfd, uint64_t deadline_ns, struct sock_addr *peer);

/* The socket's own and its peer's address; 0 or -1. */
int sock_local(int fd, struct sock_addr *out);
int sock_peer(int fd, struct sock_addr *out);

/* Port of an address (host order). */
uint16_t sock_port(const struct sock_addr *a);

/* Set the port of an address. */
void sock_set_port(struct sock_addr *a, uint16_t port);

/* Nonzero if two addresses name the same host (IPv4-mapped IPv6 and IPv4
 * are the same host). Ports are ignored. */
int sock_same_host(const struct sock_addr *a, const struct sock_addr *b);

/* "127.0.0.1:5799" or "[::1]:5799". Returns buf. */
char *sock_addr_str(const struct sock_addr *a, char *buf, size_t len);

/* Family of an address, with IPv4-mapped IPv6 seen as AF_INET6 (the socket
 * family to use when talking to it). */
int sock_family(const struct sock_addr *a);

/* Turn an IPv4-mapped IPv6 address into the plain IPv4 one (in place). */
void sock_unmap(struct sock_addr *a);

/* TCP sockets of this host in TIME_WAIT whose remote port is port
 * (/proc/net/tcp and tcp6); -1 where that cannot be read. */
int sock_count_timewait(uint16_t port);

/* The path MTU the kernel holds for a connected socket (IP_MTU or
 * IPV6_MTU), bytes; 0 where it cannot say. */
uint32_t sock_path_mtu(int fd, int family);

/* This network namespace's counters from /proc/net/snmp (Udp:
 * RcvbufErrors, Ip: ReasmFails, Tcp: RetransSegs) into k (valid = 0 where
 * they cannot be read). */
struct tub_kernel;
void sock_snmp_read(struct tub_kernel *k);

/* after - before, field by field, into out (valid only if both are). */
void sock_snmp_delta(const struct tub_kernel *before,
		     const struct tub_kernel *after, struct tub_kernel *out);

/* Datagrams the socket dropped so far for a full buffer (SO_MEMINFO's
 * SK_MEMINFO_DROPS), or -1 where it cannot say. Unlike SO_RXQ_OVFL it
 * counts drops after the last datagram queued too. */
int64_t sock_drops(int fd);

/* Close fd; with reset set, by a reset (SO_LINGER 0): what is unsent is
 * dropped and close() never waits. */
void sock_close(int fd, int reset);

/* O_NONBLOCK on or off; 0 or -1. */
int sock_set_nonblock(int fd, int on);

/* Read exactly n bytes before deadline_ns. 0, or -1 with errno: ETIMEDOUT,
 * ECONNRESET for an orderly close mid-way (EPIPE if nothing was read), or
 * the socket error. */
int sock_read_full(int fd, void *buf, size_t n, uint64_t deadline_ns);

/* Write exactly n bytes before deadline_ns (MSG_NOSIGNAL). 0 or -1 (errno). */
int sock_write_full(int fd, const void *buf, size_t n, uint64_t deadline_ns);

/* Wait until fd is readable (POLLIN) or deadline_ns; 1 ready, 0 timeout,
 * -1 error. EINTR returns -1 with errno EINTR. */
int sock_wait_readable(int fd, uint64_t deadline_ns);

#endif
