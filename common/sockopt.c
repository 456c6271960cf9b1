/* The socket option vocabulary: one table, a parser, a formatter, and the
 * setsockopt/getsockopt calls behind each name. */
#include "sockopt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "units.h"

#define SPEC_MAX 511 /* longest spec accepted; fits TUB_OPTSTR_MAX with NUL */
#define SHOW "%.40s" /* how much of the user's text an error repeats */
#define GIB (1024LL * 1024 * 1024)

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* For SOCKOPT_NAME, min and max bound the length of the text. */
/* clang-format off */
static const struct sockopt_info sockopt_table[SOCKOPT_COUNT] = {
	[SOCKOPT_SNDBUF] = { "sndbuf", "sndbuf_bytes", SOCKOPT_BYTES, 0,
		1, GIB, "SO_SNDBUF: kernel send buffer; Linux doubles the "
		"request and caps it at net.core.wmem_max" },
	[SOCKOPT_RCVBUF] = { "rcvbuf", "rcvbuf_bytes", SOCKOPT_BYTES, 0,
		1, GIB, "SO_RCVBUF: kernel receive buffer; Linux doubles the "
		"request, caps it at net.core.rmem_max, and on TCP turns off "
		"receive autotuning" },
	[SOCKOPT_NODELAY] = { "nodelay", "nodelay", SOCKOPT_FLAG, 1,
		0, 1, "TCP_NODELAY: send small segments at once instead of "
		"holding them until earlier data is ACKed (Nagle)" },
	[SOCKOPT_CORK] = { "cork", "cork", SOCKOPT_FLAG, 1,
		0, 1, "TCP_CORK: hold partial segments until the cork is "
		"removed or 200 ms pass, so only full segments go out" },
	[SOCKOPT_QUICKACK] = { "quickack", "quickack", SOCKOPT_FLAG, 1,
		0, 1, "TCP_QUICKACK: ACK at once instead of delaying ACKs; "
		"not permanent, the kernel may return to delayed ACKs" },
	[SOCKOPT_MAXSEG] = { "maxseg", "maxseg_bytes", SOCKOPT_BYTES, 1,
		88, 65535, "TCP_MAXSEG: upper bound on the segment payload "
		"(MSS) this end announces and sends; set before connect()" },
	[SOCKOPT_CONGESTION] = { "congestion", "congestion", SOCKOPT_NAME, 1,
		1, SOCKOPT_NAME_MAX - 1, "TCP_CONGESTION: congestion control "
		"algorithm (cubic, bbr, ...); unprivileged users may pick "
		"from net.ipv4.tcp_allowed_congestion_control" },
	[SOCKOPT_NOTSENT_LOWAT] = { "notsent_lowat", "notsent_lowat_bytes",
		SOCKOPT_BYTES, 1, 1, GIB, "TCP_NOTSENT_LOWAT: the socket polls "
		"writable only while fewer bytes than this wait unsent; "
		"bounds queueing in the sender" },
	[SOCKOPT_RCVLOWAT] = { "rcvlowat", "rcvlowat_bytes", SOCKOPT_BYTES, 1,
		1, GIB, "SO_RCVLOWAT: a TCP reader (recv, poll) is not woken "
		"until this many bytes are queued" },
	[SOCKOPT_KEEPALIVE] = { "keepalive", "keepalive", SOCKOPT_FLAG, 1,
		0, 1, "SO_KEEPALIVE: probe an idle TCP connection so a dead "
		"peer is noticed; timing from keepidle, keepintvl, keepcnt" },
	[SOCKOPT_KEEPIDLE] = { "keepidle", "keepidle_s", SOCKOPT_INT, 1,
		1, 32767, "TCP_KEEPIDLE: seconds a connection is idle before "
		"the first keepalive probe (needs keepalive)" },
	[SOCKOPT_KEEPINTVL] = { "keepintvl", "keepintvl_s", SOCKOPT_INT, 1,
		1, 32767, "TCP_KEEPINTVL: seconds between keepalive probes "
		"that go unanswered" },
	[SOCKOPT_KEEPCNT] = { "keepcnt", "keepcnt", SOCKOPT_INT, 1,
		1, 127, "TCP_KEEPCNT: unanswered keepalive probes before the "
		"connection is reset" },
	[SOCKOPT_USER_TIMEOUT] = { "user_timeout", "user_timeout_ms",
		SOCKOPT_INT, 1, 0, INT_MAX, "TCP_USER_TIMEOUT: milliseconds "
		"sent data may stay unacknowledged before the connection is "
		"dropped; 0 = system default" },
	[SOCKOPT_LINGER] = { "linger", "linger_s", SOCKOPT_INT, 1,
		-1, 3600, "SO_LINGER: seconds close() blocks to deliver unsent "
		"data; 0 = reset (RST) at once, off = finish in background" },
	[SOCKOPT_TOS] = { "tos", "tos", SOCKOPT_INT, 0,
		0, 255, "IP_TOS / IPV6_TCLASS: traffic class byte of outgoing "
		"packets, DSCP << 2 | ECN; TCP keeps the ECN bits itself" },
	[SOCKOPT_BUSY_POLL] = { "busy_poll", "busy_poll_us", SOCKOPT_INT, 0,
		0, 1000000, "SO_BUSY_POLL: microseconds a blocking receive "
		"spins on the device queue before sleeping; raising it needs "
		"CAP_NET_ADMIN" },
	[SOCKOPT_PRIORITY] = { "priority", "priority", SOCKOPT_INT, 0,
		0, INT_MAX, "SO_PRIORITY: priority of outgoing packets, used "
		"by queueing disciplines; above 6 needs CAP_NET_ADMIN" },
	[SOCKOPT_MTU_DISCOVER] = { "mtu_discover", "mtu_discover",
		SOCKOPT_INT, 0, 0, 3, "IP_MTU_DISCOVER: path MTU discovery; "
		"0 never set DF, 1 per route, 2 always set DF, 3 set DF but "
		"ignore the path MTU" },
	[SOCKOPT_GSO] = { "gso", "gso_bytes", SOCKOPT_BYTES, 0,
		0, 65507, "UDP_SEGMENT: one send carries many datagrams, cut "
		"by the kernel (GSO); gso alone or gso=SIZE, SIZE the "
		"message size (-l); UDP only, Linux 4.18+", .udp_only = 1 },
	[SOCKOPT_GRO] = { "gro", "gro", SOCKOPT_FLAG, 0,
		0, 1, "UDP_GRO: the kernel hands datagrams over coalesced, "
		"many in one buffer, which the receiver splits; UDP only, "
		"Linux 5.0+", .udp_only = 1 },
	[SOCKOPT_PREFER_BUSY_POLL] = { "prefer_busy_poll", "prefer_busy_poll",
		SOCKOPT_FLAG, 0, 0, 1, "SO_PREFER_BUSY_POLL: the device queue "
		"is left to the socket's busy polling, its interrupts deferred "
		"(with busy_poll and the device's napi_defer_hard_irqs); "
		"needs CAP_NET_ADMIN, Linux 5.11+" },
};
/* clang-format on */

const struct sockopt_info *sockopt_info(enum sockopt_id id)
{
	if ((unsigned)id >= SOCKOPT_COUNT)
		return NULL;
	return &sockopt_table[id];
}

int sockopt_lookup(const char *name)
{
	int id;

	if (!name)
		return -1;
	for (id = 0; id < SOCKOPT_COUNT; id++)
		if (strcmp(sockopt_table[id].name, name) == 0)
			return id;
	return -1;
}

void sockopt_clear(struct sockopt_set *set)
{
	memset(set, 0, sizeof(*set));
}

int sockopt_has(const struct sockopt_set *set, enum sockopt_id id)
{
	if ((unsigned)id >= SOCKOPT_COUNT)
		return 0;
	return (set->mask >> id) & 1u;
}

/* vsnprintf into dst at its current end, after sep if dst is not empty.
 * dst stays NUL-terminated; text that does not fit is cut. */
static void PRINTF_LIKE(4, 0)
	append_v(char *dst, size_t len, const char *sep, const char *fmt,
		 va_list ap)
{
	size_t used;
	int n;

	if (!dst || len == 0)
		return;
	used = strnlen(dst, len - 1);
	dst[used] = '\0';
	if (used > 0) {
		n = snprintf(dst + used, len - used, "%s", sep);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	vsnprintf(dst + used, len - used, fmt, ap);
}

/* Write a one-line error to err; returns -1. */
static int PRINTF_LIKE(3, 4)
	fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen > 0) {
		err[0] = '\0';
		va_start(ap, fmt);
		append_v(err, errlen, "", fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Append one "; "-separated note. */
static void PRINTF_LIKE(3, 4)
	note(char *notes, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_v(notes, len, "; ", fmt, ap);
	va_end(ap);
}

/* A congestion control name: [A-Za-z0-9_-]{1,15}. */
static int valid_cc_name(const char *s)
{
	size_t n = strnlen(s, SOCKOPT_NAME_MAX);

	if (n < 1 || n >= SOCKOPT_NAME_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* Plain decimal, '-' first only if neg_ok. Saturates far outside any
 * range, so that huge numbers are reported as out of range. */
static int parse_decimal(const char *s, int neg_ok, int64_t *out)
{
	const int64_t big = INT64_C(1) << 50;
	int64_t v = 0;
	int neg = 0;

	if (*s == '-' && neg_ok) {
		neg = 1;
		s++;
	}
	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v < big)
			v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

/* Turn the text after '=' into set->value[id] or set->congestion. */
static int parse_value(int id, const char *text, struct sockopt_set *set,
		       char *err, size_t errlen)
{
	const struct sockopt_info *in = &sockopt_table[id];
	uint64_t u;
	int64_t v;

	switch (in->type) {
	case SOCKOPT_FLAG:
		if (!strcmp(text, "1") || !strcmp(text, "on"))
			v = 1;
		else if (!strcmp(text, "0") || !strcmp(text, "off"))
			v = 0;
		else
			return fail(err, errlen, "%s=" SHOW ": bad value (want "
				    "0, 1, on or off)", in->name, text);
		break;
	case SOCKOPT_BYTES:
		if (*text < '0' || *text > '9' || units_parse_size(text, &u))
			return fail(err, errlen, "%s=" SHOW ": bad value (want "
				    "a size such as 64K)", in->name, text);
		v = u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)u;
		break;
	case SOCKOPT_INT:
		if (id == SOCKOPT_LINGER && !strcmp(text, "off"))
			v = -1;
		else if (parse_decimal(text, in->min < 0, &v))
			return fail(err, errlen, "%s=" SHOW ": bad value (want "
				    "%s)", in->name, text,
				    id == SOCKOPT_LINGER ? "seconds or off" :
				    "a whole number");
		break;
	case SOCKOPT_NAME:
		if (!valid_cc_name(text))
			return fail(err, errlen, "%s=" SHOW ": bad value (want "
				    "1 to %d letters, digits, '_' or '-')",
				    in->name, text, SOCKOPT_NAME_MAX - 1);
		strcpy(set->congestion, text);
		return 0;
	default:
		return fail(err, errlen, "%s: unknown type", in->name);
	}
	if (v < in->min || v > in->max)
		return fail(err, errlen,
			    "%s=" SHOW ": out of range (%lld..%lld)", in->name,
			    text, (long long)in->min, (long long)in->max);
	set->value[id] = v;
	return 0;
}

/* One "name" or "name=value" item; item is modified. */
static int parse_item(char *item, struct sockopt_set *set, char *err,
		      size_t errlen)
{
	char *eq = strchr(item, '=');
	const char *val = NULL;
	int id;

	if (*item == '\0')
		return fail(err, errlen, "empty item in socket option list");
	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	id = sockopt_lookup(item);
	if (id < 0)
		return fail(err, errlen, "unknown socket option \"" SHOW "\"",
			    item);
	if (sockopt_has(set, (enum sockopt_id)id))
		return fail(err, errlen, "%s: given twice", item);
	if (!val && sockopt_table[id].type == SOCKOPT_FLAG)
		val = "1";
	if (!val && id == SOCKOPT_GSO)
		val = "0"; /* the message size */
	if (!val || *val == '\0')
		return fail(err, errlen, "%s: missing value", item);
	if (parse_value(id, val, set, err, errlen))
		return -1;
	set->mask |= 1u << id;
	return 0;
}

int sockopt_parse(const char *spec, struct sockopt_set *set, char *err,
		  size_t errlen)
{
	char buf[SPEC_MAX + 1];
	struct sockopt_set tmp;
	char *p, *comma;
	size_t n, i;

	if (err && errlen > 0)
		err[0] = '\0';
	if (!spec)
		spec = "";
	n = strnlen(spec, SPEC_MAX + 1);
	if (n > SPEC_MAX)
		return fail(err, errlen, "socket option list too long (over "
			    "%d characters)", SPEC_MAX);
	memcpy(buf, spec, n + 1);
	/* No valid item holds a control character, so replacing them keeps
	 * every verdict and keeps error messages on one line. */
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	sockopt_clear(&tmp);
	for (p = buf; n > 0; p = comma + 1) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (parse_item(p, &tmp, err, errlen))
			return -1;
		if (!comma)
			break;
	}
	*set = tmp;
	return 0;
}

/* "name=value" for one present option. With explicit, a flag is written
 * "name=1" rather than the canonical bare "name". */
static int format_item(const struct sockopt_set *set, int id, int explicit,
		       char *buf, size_t len)
{
	const struct sockopt_info *in = &sockopt_table[id];
	long long v = (long long)set->value[id];

	if (in->type == SOCKOPT_NAME)
		return snprintf(buf, len, "%s=%.*s", in->name,
				SOCKOPT_NAME_MAX - 1, set->congestion);
	if ((in->type == SOCKOPT_FLAG && v == 1 && !explicit) ||
	    (id == SOCKOPT_GSO && v == 0))
		return snprintf(buf, len, "%s", in->name);
	if (id == SOCKOPT_LINGER && v == -1)
		return snprintf(buf, len, "%s=off", in->name);
	return snprintf(buf, len, "%s=%lld", in->name, v);
}

int sockopt_format(const struct sockopt_set *set, char *buf, size_t len)
{
	size_t used = 0;
	int id, n;

	if (!buf || len == 0)
		return -1;
	buf[0] = '\0';
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(set, (enum sockopt_id)id))
			continue;
		if (used > 0) {
			if (used + 1 >= len)
				goto too_small;
			buf[used++] = ',';
		}
		n = format_item(set, id, 0, buf + used, len - used);
		if (n < 0 || (size_t)n >= len - used)
			goto too_small;
		used += (size_t)n;
	}
	return 0;
too_small:
	buf[0] = '\0';
	return -1;
}

#define AT(lvl, opt) (*level = (lvl), *optname = (opt), 0)

/* Where id lives on a socket of this family: 0 with level and optname set;
 * -1 if this system lacks the option; -2 if the family has none. */
static int opt_target(int id, int family, int *level, int *optname)
{
	switch (id) {
	case SOCKOPT_SNDBUF:
		return AT(SOL_SOCKET, SO_SNDBUF);
	case SOCKOPT_RCVBUF:
		return AT(SOL_SOCKET, SO_RCVBUF);
	case SOCKOPT_NODELAY:
		return AT(IPPROTO_TCP, TCP_NODELAY);
	case SOCKOPT_CORK:
#ifdef TCP_CORK
		return AT(IPPROTO_TCP, TCP_CORK);
#else
		return -1;
#endif
	case SOCKOPT_QUICKACK:
#ifdef TCP_QUICKACK
		return AT(IPPROTO_TCP, TCP_QUICKACK);
#else
		return -1;
#endif
	case SOCKOPT_MAXSEG:
#ifdef TCP_MAXSEG
		return AT(IPPROTO_TCP, TCP_MAXSEG);
#else
		return -1;
#endif
	case SOCKOPT_CONGESTION:
#ifdef TCP_CONGESTION
		return AT(IPPROTO_TCP, TCP_CONGESTION);
#else
		return -1;
#endif
	case SOCKOPT_NOTSENT_LOWAT:
#ifdef TCP_NOTSENT_LOWAT
		return AT(IPPROTO_TCP, TCP_NOTSENT_LOWAT);
#else
		return -1;
#endif
	case SOCKOPT_RCVLOWAT:
		return AT(SOL_SOCKET, SO_RCVLOWAT);
	case SOCKOPT_KEEPALIVE:
		return AT(SOL_SOCKET, SO_KEEPALIVE);
	case SOCKOPT_KEEPIDLE:
#ifdef TCP_KEEPIDLE
		return AT(IPPROTO_TCP, TCP_KEEPIDLE);
#else
		return -1;
#endif
	case SOCKOPT_KEEPINTVL:
#ifdef TCP_KEEPINTVL
		return AT(IPPROTO_TCP, TCP_KEEPINTVL);
#else
		return -1;
#endif
	case SOCKOPT_KEEPCNT:
#ifdef TCP_KEEPCNT
		return AT(IPPROTO_TCP, TCP_KEEPCNT);
#else
		return -1;
#endif
	case SOCKOPT_USER_TIMEOUT:
#ifdef TCP_USER_TIMEOUT
		return AT(IPPROTO_TCP, TCP_USER_TIMEOUT);
#else
		return -1;
#endif
	case SOCKOPT_LINGER:
		return AT(SOL_SOCKET, SO_LINGER);
	case SOCKOPT_TOS:
		if (family == AF_INET)
			return AT(IPPROTO_IP, IP_TOS);
#ifdef IPV6_TCLASS
		if (family == AF_INET6)
			return AT(IPPROTO_IPV6, IPV6_TCLASS);
#endif
		return family == AF_INET6 ? -1 : -2;
	case SOCKOPT_BUSY_POLL:
#ifdef SO_BUSY_POLL
		return AT(SOL_SOCKET, SO_BUSY_POLL);
#else
		return -1;
#endif
	case SOCKOPT_PRIORITY:
#ifdef SO_PRIORITY
		return AT(SOL_SOCKET, SO_PRIORITY);
#else
		return -1;
#endif
	case SOCKOPT_MTU_DISCOVER:
#ifdef IP_MTU_DISCOVER
		if (family == AF_INET)
			return AT(IPPROTO_IP, IP_MTU_DISCOVER);
#endif
#ifdef IPV6_MTU_DISCOVER
		if (family == AF_INET6)
			return AT(IPPROTO_IPV6, IPV6_MTU_DISCOVER);
#endif
		return family == AF_INET || family == AF_INET6 ? -1 : -2;
	case SOCKOPT_GSO:
		if (family != AF_INET && family != AF_INET6)
			return -2;
#ifdef UDP_SEGMENT
		return AT(IPPROTO_UDP, UDP_SEGMENT);
#else
		return -1;
#endif
	case SOCKOPT_GRO:
		if (family != AF_INET && family != AF_INET6)
			return -2;
#ifdef UDP_GRO
		return AT(IPPROTO_UDP, UDP_GRO);
#else
		return -1;
#endif
	case SOCKOPT_PREFER_BUSY_POLL:
#ifdef SO_PREFER_BUSY_POLL
		return AT(SOL_SOCKET, SO_PREFER_BUSY_POLL);
#else
		return -1;
#endif
	}
	return -1;
}

#undef AT

/* Whether req's value for id is one the parser would have accepted. */
static int value_ok(const struct sockopt_set *req, int id)
{
	const struct sockopt_info *in = &sockopt_table[id];

	if (in->type == SOCKOPT_NAME)
		return valid_cc_name(req->congestion);
	return req->value[id] >= in->min && req->value[id] <= in->max;
}

static int set_one(int fd, int level, int optname, int id,
		   const struct sockopt_set *req)
{
	int64_t v = req->value[id];
	struct linger lg;
	int iv;

	if (id == SOCKOPT_LINGER) {
		lg.l_onoff = v >= 0;
		lg.l_linger = v >= 0 ? (int)v : 0;
		return setsockopt(fd, level, optname, &lg, sizeof(lg));
	}
	if (id == SOCKOPT_CONGESTION)
		return setsockopt(fd, level, optname, req->congestion,
				  (socklen_t)strlen(req->congestion));
	iv = (int)v;
	return setsockopt(fd, level, optname, &iv, sizeof(iv));
}

/* Whether id is left off a socket carrying transport: 1 with a note. */
static int skipped(int id, int transport, char *notes, size_t len)
{
	const struct sockopt_info *in = &sockopt_table[id];

	if (in->tcp_only && transport != SOCKOPT_ON_TCP) {
		note(notes, len, "%s: TCP only, skipped", in->name);
		return 1;
	}
	if (in->udp_only && transport == SOCKOPT_ON_TCP) {
		note(notes, len, "%s: UDP only, skipped (TCP has its own "
		     "segmentation offload)", in->name);
		return 1;
	}
	if (in->udp_only && transport != SOCKOPT_ON_UDP) {
		note(notes, len, "%s: plain UDP only, skipped (reliable UDP "
		     "sends and reads one packet per call)", in->name);
		return 1;
	}
	return 0;
}

static int apply_one(int fd, int family, int transport, int id,
		     const struct sockopt_set *req, char *notes, size_t len)
{
	const struct sockopt_info *in = &sockopt_table[id];
	int level, optname, r;
	char item[64];

	if (skipped(id, transport, notes, len))
		return -1;
	r = opt_target(id, family, &level, &optname);
	if (r == -1) {
		note(notes, len, "%s: not supported on this system", in->name);
		return -1;
	}
	if (r < 0) {
		note(notes, len, "%s: not supported for address family %d",
		     in->name, family);
		return -1;
	}
	format_item(req, id, 1, item, sizeof(item));
	if (!value_ok(req, id)) {
		note(notes, len, "%s: out of range", item);
		return -1;
	}
	if (set_one(fd, level, optname, id, req) < 0) {
		if (in->udp_only && errno == ENOPROTOOPT)
			note(notes, len, "%s: %s (this kernel lacks %s)", item,
			     strerror(errno), id == SOCKOPT_GSO ? "UDP_SEGMENT"
								 : "UDP_GRO");
		else
			note(notes, len, "%s: %s", item, strerror(errno));
		return -1;
	}
	return 0;
}

int sockopt_apply(int fd, int family, int transport,
		  const struct sockopt_set *req, char *notes, size_t notes_len)
{
	int id, failed = 0;

	if (notes && notes_len > 0)
		notes[0] = '\0';
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(req, (enum sockopt_id)id))
			continue;
		if (apply_one(fd, family, transport, id, req, notes,
			      notes_len))
			failed++;
	}
	return failed;
}

static int get_one(int fd, int level, int optname, int id,
		   struct sockopt_set *out)
{
	char name[SOCKOPT_NAME_MAX];
	struct linger lg;
	socklen_t len;
	int iv = 0;

	if (id == SOCKOPT_LINGER) {
		memset(&lg, 0, sizeof(lg));
		len = sizeof(lg);
		if (getsockopt(fd, level, optname, &lg, &len) < 0)
			return -1;
		out->value[id] = lg.l_onoff ? lg.l_linger : -1;
		return 0;
	}
	if (id == SOCKOPT_CONGESTION) {
		memset(name, 0, sizeof(name));
		len = sizeof(name);
		if (getsockopt(fd, level, optname, name, &len) < 0)
			return -1;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(out->congestion, name, len);
		out->congestion[len] = '\0';
		return 0;
	}
	len = sizeof(iv);
	if (getsockopt(fd, level, optname, &iv, &len) < 0)
		return -1;
	if (sockopt_table[id].type == SOCKOPT_FLAG)
		iv = iv != 0;
	out->value[id] = iv;
	return 0;
}

int sockopt_read(int fd, int family, int transport,
		 const struct sockopt_set *req, struct sockopt_set *granted)
{
	int id, level, optname, type;
	socklen_t len = sizeof(type);

	sockopt_clear(granted);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -1;
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(req, (enum sockopt_id)id))
			continue;
		if (skipped(id, transport, NULL, 0))
			continue;
		if (opt_target(id, family, &level, &optname) < 0)
			continue;
		if (get_one(fd, level, optname, id, granted) < 0)
			continue;
		granted->mask |= 1u << id;
	}
	return 0;
}

void sockopt_resolve(struct sockopt_set *set, uint32_t msg_size)
{
	if (sockopt_has(set, SOCKOPT_GSO) && set->value[SOCKOPT_GSO] == 0)
		set->value[SOCKOPT_GSO] = msg_size;
}

int sockopt_check_size(const struct sockopt_set *set, uint32_t msg_size,
		       char *err, size_t errlen)
{
	int64_t v = set->value[SOCKOPT_GSO];

	if (err && errlen > 0)
		err[0] = '\0';
	if (!sockopt_has(set, SOCKOPT_GSO) || v == 0 || v == msg_size)
		return 0;
	return fail(err, errlen, "gso=%lld but the messages are %u B: every "
		    "datagram is one message, so give gso alone (the message "
		    "size) or gso=%u", (long long)v, (unsigned)msg_size,
		    (unsigned)msg_size);
}

int sockopt_clamped(const struct sockopt_set *req, enum sockopt_id id)
{
	const char *path;
	long long max;

	if (id == SOCKOPT_SNDBUF)
		path = "net/core/wmem_max";
	else if (id == SOCKOPT_RCVBUF)
		path = "net/core/rmem_max";
	else
		return 0;
	if (!sockopt_has(req, id))
		return 0;
	max = sockopt_sysctl(path);
	return max >= 0 && req->value[id] > max;
}

void sockopt_clamped_bufs(const struct sockopt_set *req, uint8_t clamped[2])
{
	clamped[0] = (uint8_t)sockopt_clamped(req, SOCKOPT_SNDBUF);
	clamped[1] = (uint8_t)sockopt_clamped(req, SOCKOPT_RCVBUF);
}

long long sockopt_sysctl(const char *path)
{
	char file[256], text[64], *end;
	long long v;
	ssize_t n;
	int fd;

	if (!path || !*path || *path == '/' || strstr(path, ".."))
		return -1;
	n = snprintf(file, sizeof(file), "/proc/sys/%s", path);
	if (n < 0 || (size_t)n >= sizeof(file))
		return -1;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do {
		n = read(fd, text, sizeof(text) - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	/* A single number, never a vector like tcp_rmem or a long text. */
	if (n <= 0 || (size_t)n >= sizeof(text) - 1)
		return -1;
	text[n] = '\0';
	errno = 0;
	v = strtoll(text, &end, 10);
	if (end == text || errno)
		return -1;
	end += strspn(end, " \t\n");
	return *end ? -1 : v;
}

int sockopt_check_granted(const struct sockopt_set *g, char *why, size_t len)
{
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(g, (enum sockopt_id)id))
			continue;
		int64_t v = g->value[id];
		if (v < -1 || v > INT32_MAX)
			return fail(why, len, "granted %s of %lld is out of "
				    "range", sockopt_table[id].name,
				    (long long)v);
	}
	return 0;
}
