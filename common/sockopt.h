/* The socket option vocabulary: parse "sndbuf=256K,rcvbuf=1M,nodelay,linger=0",
 * apply each option with setsockopt, read back what the kernel granted. */
#ifndef TUB_SOCKOPT_H
#define TUB_SOCKOPT_H

#include <stddef.h>
#include <stdint.h>

enum sockopt_id {
	SOCKOPT_SNDBUF,        /* SO_SNDBUF, bytes */
	SOCKOPT_RCVBUF,        /* SO_RCVBUF, bytes */
	SOCKOPT_NODELAY,       /* TCP_NODELAY, flag */
	SOCKOPT_CORK,          /* TCP_CORK, flag */
	SOCKOPT_QUICKACK,      /* TCP_QUICKACK, flag */
	SOCKOPT_MAXSEG,        /* TCP_MAXSEG, bytes */
	SOCKOPT_CONGESTION,    /* TCP_CONGESTION, name */
	SOCKOPT_NOTSENT_LOWAT, /* TCP_NOTSENT_LOWAT, bytes */
	SOCKOPT_RCVLOWAT,      /* SO_RCVLOWAT, bytes */
	SOCKOPT_KEEPALIVE,     /* SO_KEEPALIVE, flag */
	SOCKOPT_KEEPIDLE,      /* TCP_KEEPIDLE, seconds */
	SOCKOPT_KEEPINTVL,     /* TCP_KEEPINTVL, seconds */
	SOCKOPT_KEEPCNT,       /* TCP_KEEPCNT, count */
	SOCKOPT_USER_TIMEOUT,  /* TCP_USER_TIMEOUT, milliseconds */
	SOCKOPT_LINGER,        /* SO_LINGER, seconds; -1 = off */
	SOCKOPT_TOS,           /* IP_TOS / IPV6_TCLASS, 0..255 */
	SOCKOPT_BUSY_POLL,     /* SO_BUSY_POLL, microseconds */
	SOCKOPT_PRIORITY,      /* SO_PRIORITY, 0..6 without CAP_NET_ADMIN */
	SOCKOPT_MTU_DISCOVER,  /* IP_MTU_DISCOVER: 0 dont, 1 want, 2 do, 3 probe */
	SOCKOPT_GSO,           /* UDP_SEGMENT, bytes; 0 = the message size */
	SOCKOPT_GRO,           /* UDP_GRO, flag */
	SOCKOPT_PREFER_BUSY_POLL, /* SO_PREFER_BUSY_POLL, flag */
	SOCKOPT_COUNT
};

enum sockopt_type {
	SOCKOPT_FLAG,   /* "nodelay" or "nodelay=0|1" */
	SOCKOPT_INT,    /* plain integer */
	SOCKOPT_BYTES,  /* integer with size suffix: "64K" */
	SOCKOPT_NAME,   /* short text: "cubic" */
};

struct sockopt_info {
	const char *name;     /* as written in a spec: "sndbuf" */
	const char *column;   /* CSV column stem with unit: "sndbuf_bytes" */
	enum sockopt_type type;
	int tcp_only;         /* meaningless on a UDP socket: not applied */
	int64_t min, max;     /* accepted range of a requested value */
	const char *help;     /* one line for --list-options */
	int udp_only;         /* plain UDP datagrams only: not applied on TCP
				 nor on reliable UDP's sockets */
};

/* The transport a socket carries, for the options that apply to one only
 * (0 and 1 are the old is_tcp). */
enum sockopt_transport {
	SOCKOPT_ON_UDP = 0,
	SOCKOPT_ON_TCP = 1,
	SOCKOPT_ON_RUDP = 2, /* a UDP socket carrying reliable UDP */
};

#define SOCKOPT_NAME_MAX 16 /* TCP_CA_NAME_MAX */

struct sockopt_set {
	uint32_t mask;                  /* bit (1u << id): option present */
	int64_t value[SOCKOPT_COUNT];   /* flags 0/1; linger -1 = off */
	char congestion[SOCKOPT_NAME_MAX];
};

/* The description of one option. */
const struct sockopt_info *sockopt_info(enum sockopt_id id);

/* Look an option up by its spec name; -1 if unknown. */
int sockopt_lookup(const char *name);

/* Empty set. */
void sockopt_clear(struct sockopt_set *set);

/* 1 if id is present in set. */
int sockopt_has(const struct sockopt_set *set, enum sockopt_id id);

/* Parse a comma-separated spec ("" is the empty set). On error writes a
 * one-line reason to err and returns -1. A repeated option is an error. */
int sockopt_parse(const char *spec, struct sockopt_set *set, char *err,
		  size_t errlen);

/* Canonical text of a set, options in table order ("sndbuf=262144,nodelay").
 * Returns 0, or -1 if buf is too small. Parsing it gives the same set. */
int sockopt_format(const struct sockopt_set *set, char *buf, size_t len);

/* "gso" alone (value 0) means segments of the message size: set it to
 * msg_size. Other values and options are left as they are. */
void sockopt_resolve(struct sockopt_set *set, uint32_t msg_size);

/* Whether set's options fit a test of msg_size-byte messages: gso=SIZE
 * must be the message size, as every datagram is one message. 0, or -1
 * with a one-line reason in err. */
int sockopt_check_size(const struct sockopt_set *set, uint32_t msg_size,
		       char *err, size_t errlen);

/* Apply every present option to fd, a socket carrying transport (enum
 * sockopt_transport; 0 UDP, 1 TCP). TCP-only options on a UDP socket, and
 * UDP-only ones elsewhere, are skipped with a note. Each failure ("congestion=foo: No such file or
 * directory") is appended to notes, ';'-separated. Returns the number of
 * options that failed or were skipped. */
int sockopt_apply(int fd, int family, int transport,
		  const struct sockopt_set *req,
		  char *notes, size_t notes_len);

/* Read back, for every option present in req, what the kernel holds now,
 * into granted (same mask, less options that cannot be read). Returns 0, or
 * -1 if fd is not a socket. */
int sockopt_read(int fd, int family, int transport,
		 const struct sockopt_set *req,
		 struct sockopt_set *granted);

/* Whether the values of a set a peer says it was granted are ones a
 * kernel can give (-1 .. INT32_MAX). 0, or -1 with a one-line reason. */
int sockopt_check_granted(const struct sockopt_set *g, char *why,
			  size_t len);

/* Whether a requested SO_SNDBUF / SO_RCVBUF was clamped by
 * net.core.wmem_max / rmem_max (read from /proc); 0 for other ids, for
 * absent options, or when the sysctl cannot be read. */
int sockopt_clamped(const struct sockopt_set *req, enum sockopt_id id);

/* Both of them: clamped[0] SO_SNDBUF's, clamped[1] SO_RCVBUF's (0 or 1),
 * as the rows and READY carry them. */
void sockopt_clamped_bufs(const struct sockopt_set *req, uint8_t clamped[2]);

/* Current value of a numeric sysctl under /proc/sys ("net/core/rmem_max");
 * -1 if unreadable. */
long long sockopt_sysctl(const char *path);

#endif
