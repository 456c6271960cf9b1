/* Tests for sockopt.c: the table, parse/format, and apply/read on real
 * (never connected) sockets. */
#include "sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define ALL_MASK ((1u << SOCKOPT_COUNT) - 1)

static const char every_spec[] =
	"sndbuf=256K,rcvbuf=1M,nodelay,cork=0,quickack,maxseg=1400,"
	"congestion=cubic,notsent_lowat=128K,rcvlowat=1,keepalive,"
	"keepidle=30,keepintvl=5,keepcnt=3,user_timeout=10000,linger=off,"
	"tos=16,busy_poll=50,priority=6,mtu_discover=2,gso=1400,gro,"
	"prefer_busy_poll";

static const char every_canon[] =
	"sndbuf=262144,rcvbuf=1048576,nodelay,cork=0,quickack,maxseg=1400,"
	"congestion=cubic,notsent_lowat=131072,rcvlowat=1,keepalive,"
	"keepidle=30,keepintvl=5,keepcnt=3,user_timeout=10000,linger=off,"
	"tos=16,busy_poll=50,priority=6,mtu_discover=2,gso=1400,gro,"
	"prefer_busy_poll";

static int same_set(const struct sockopt_set *a, const struct sockopt_set *b)
{
	int id;

	if (a->mask != b->mask)
		return 0;
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(a, (enum sockopt_id)id))
			continue;
		if (id == SOCKOPT_CONGESTION) {
			if (strcmp(a->congestion, b->congestion) != 0)
				return 0;
		} else if (a->value[id] != b->value[id]) {
			return 0;
		}
	}
	return 1;
}

/* Parse spec into set; CHECK that it succeeds with an empty err. */
static void parse_ok(const char *spec, struct sockopt_set *set)
{
	char err[256] = "x";
	int r = sockopt_parse(spec, set, err, sizeof(err));

	CHECK(r == 0);
	if (r != 0)
		fprintf(stderr, "  spec \"%s\": %s\n", spec, err);
	CHECK_STR(err, "");
}

static void test_table(void)
{
	const struct sockopt_info *in, *other;
	int id, j;

	for (id = 0; id < SOCKOPT_COUNT; id++) {
		in = sockopt_info((enum sockopt_id)id);
		CHECK(in != NULL);
		if (!in)
			continue;
		CHECK(in->name && in->column && in->help);
		CHECK(in->help && strlen(in->help) > 20);
		CHECK(in->help && !strchr(in->help, '\n'));
		CHECK(in->min <= in->max);
		CHECK_EQ_U64(sockopt_lookup(in->name), id);
		CHECK(strncmp(in->column, in->name, strlen(in->name)) == 0);
		for (j = 0; j < id; j++) {
			other = sockopt_info((enum sockopt_id)j);
			CHECK(strcmp(other->name, in->name) != 0);
			CHECK(strcmp(other->column, in->column) != 0);
		}
	}
	CHECK_STR(sockopt_info(SOCKOPT_SNDBUF)->column, "sndbuf_bytes");
	CHECK_STR(sockopt_info(SOCKOPT_USER_TIMEOUT)->column,
		  "user_timeout_ms");
	CHECK_STR(sockopt_info(SOCKOPT_BUSY_POLL)->column, "busy_poll_us");
	CHECK_STR(sockopt_info(SOCKOPT_LINGER)->column, "linger_s");
	CHECK(sockopt_info(SOCKOPT_NODELAY)->tcp_only);
	CHECK(!sockopt_info(SOCKOPT_SNDBUF)->tcp_only);
	CHECK(!sockopt_info(SOCKOPT_TOS)->tcp_only);
	CHECK(sockopt_info(SOCKOPT_COUNT) == NULL);
	CHECK(sockopt_lookup("nosuch") == -1);
	CHECK(sockopt_lookup("") == -1);
	CHECK(sockopt_lookup(NULL) == -1);
	CHECK(sockopt_lookup("SNDBUF") == -1);
}

static void test_parse_valid(void)
{
	struct sockopt_set s;

	parse_ok("", &s);
	CHECK_EQ_U64(s.mask, 0);
	parse_ok(NULL, &s);
	CHECK_EQ_U64(s.mask, 0);

	parse_ok("sndbuf=256K,rcvbuf=1M,nodelay,linger=0", &s);
	CHECK_EQ_U64(s.mask, (1u << SOCKOPT_SNDBUF) | (1u << SOCKOPT_RCVBUF) |
				 (1u << SOCKOPT_NODELAY) |
				 (1u << SOCKOPT_LINGER));
	CHECK_EQ_U64(s.value[SOCKOPT_SNDBUF], 262144);
	CHECK_EQ_U64(s.value[SOCKOPT_RCVBUF], 1048576);
	CHECK_EQ_U64(s.value[SOCKOPT_NODELAY], 1);
	CHECK_EQ_U64(s.value[SOCKOPT_LINGER], 0);
	CHECK(sockopt_has(&s, SOCKOPT_SNDBUF));
	CHECK(!sockopt_has(&s, SOCKOPT_CORK));
	CHECK(!sockopt_has(&s, SOCKOPT_COUNT));

	parse_ok("nodelay=0,cork=on,quickack=off,keepalive=1", &s);
	CHECK_EQ_U64(s.value[SOCKOPT_NODELAY], 0);
	CHECK(sockopt_has(&s, SOCKOPT_NODELAY));
	CHECK_EQ_U64(s.value[SOCKOPT_CORK], 1);
	CHECK_EQ_U64(s.value[SOCKOPT_QUICKACK], 0);
	CHECK_EQ_U64(s.value[SOCKOPT_KEEPALIVE], 1);

	parse_ok("linger=off", &s);
	CHECK(s.value[SOCKOPT_LINGER] == -1);
	parse_ok("linger=-1", &s);
	CHECK(s.value[SOCKOPT_LINGER] == -1);
	parse_ok("linger=3600", &s);
	CHECK_EQ_U64(s.value[SOCKOPT_LINGER], 3600);

	parse_ok("tos=16,keepcnt=127,keepidle=32767,keepintvl=1,"
		 "user_timeout=0,mtu_discover=3,priority=0,busy_poll=0",
		 &s);
	CHECK_EQ_U64(s.value[SOCKOPT_TOS], 16);
	CHECK_EQ_U64(s.value[SOCKOPT_KEEPCNT], 127);
	CHECK_EQ_U64(s.value[SOCKOPT_KEEPIDLE], 32767);
	CHECK_EQ_U64(s.value[SOCKOPT_KEEPINTVL], 1);
	CHECK_EQ_U64(s.value[SOCKOPT_USER_TIMEOUT], 0);
	CHECK_EQ_U64(s.value[SOCKOPT_MTU_DISCOVER], 3);
	CHECK(sockopt_has(&s, SOCKOPT_PRIORITY));
	CHECK(sockopt_has(&s, SOCKOPT_BUSY_POLL));

	parse_ok("user_timeout=2147483647,tos=007", &s);
	CHECK_EQ_U64(s.value[SOCKOPT_USER_TIMEOUT], 2147483647);
	CHECK_EQ_U64(s.value[SOCKOPT_TOS], 7);

	parse_ok("congestion=bbr", &s);
	CHECK_STR(s.congestion, "bbr");
	parse_ok("congestion=Ab_9-xyz0123456", &s);
	CHECK_STR(s.congestion, "Ab_9-xyz0123456");

	parse_ok("maxseg=1400,notsent_lowat=16K,rcvlowat=1K,sndbuf=1G", &s);
	CHECK_EQ_U64(s.value[SOCKOPT_MAXSEG], 1400);
	CHECK_EQ_U64(s.value[SOCKOPT_NOTSENT_LOWAT], 16384);
	CHECK_EQ_U64(s.value[SOCKOPT_RCVLOWAT], 1024);
	CHECK_EQ_U64(s.value[SOCKOPT_SNDBUF], 1073741824);

	parse_ok(every_spec, &s);
	CHECK_EQ_U64(s.mask, ALL_MASK);
}

/* spec must be rejected with a reason that contains want; set is left
 * alone and err stays one line. */
static void parse_bad(const char *spec, const char *want)
{
	struct sockopt_set s;
	char err[256] = "";
	int r;

	sockopt_clear(&s);
	s.mask = 1u << SOCKOPT_TOS;
	s.value[SOCKOPT_TOS] = 99;
	r = sockopt_parse(spec, &s, err, sizeof(err));
	CHECK(r == -1);
	CHECK(strstr(err, want) != NULL);
	if (r != -1 || !strstr(err, want))
		fprintf(stderr, "  spec \"%.60s\": got \"%s\", want \"%s\"\n",
			spec, err, want);
	CHECK(!strchr(err, '\n'));
	CHECK_EQ_U64(s.mask, 1u << SOCKOPT_TOS);
	CHECK_EQ_U64(s.value[SOCKOPT_TOS], 99);
}

static void test_parse_errors(void)
{
	char long_spec[700], err[8];
	struct sockopt_set s;
	size_t i;

	parse_bad("bogus", "unknown socket option \"bogus\"");
	parse_bad("nodelay,bogus=3", "\"bogus\"");
	parse_bad(" nodelay", "unknown");
	parse_bad("bo\ngus", "unknown");

	parse_bad("sndbuf", "sndbuf: missing value");
	parse_bad("sndbuf=", "sndbuf: missing value");
	parse_bad("congestion", "missing value");
	parse_bad("congestion=", "missing value");
	parse_bad("linger", "missing value");
	parse_bad("nodelay=", "missing value");

	parse_bad("nodelay=2", "nodelay=2: bad value");
	parse_bad("nodelay=yes", "bad value");
	parse_bad("sndbuf=abc", "sndbuf=abc: bad value");
	parse_bad("sndbuf=-1", "bad value");
	parse_bad("sndbuf= 64K", "bad value");
	parse_bad("sndbuf=64X", "bad value");
	parse_bad("keepidle=1.5", "bad value");
	parse_bad("keepidle=-5", "bad value");
	parse_bad("keepidle=30s", "bad value");
	parse_bad("tos=0x10", "bad value");
	parse_bad("tos=+5", "bad value");
	parse_bad("linger=on", "bad value");
	parse_bad("linger=-", "bad value");
	parse_bad("congestion=a b", "bad value");
	parse_bad("congestion=cu.bic", "bad value");
	parse_bad("congestion=abcdefghijklmnop", "bad value");
	parse_bad("sndbuf=64K=1", "bad value");

	parse_bad("tos=256", "tos=256: out of range (0..255)");
	parse_bad("keepcnt=0", "out of range (1..127)");
	parse_bad("keepcnt=128", "out of range");
	parse_bad("keepidle=32768", "out of range (1..32767)");
	parse_bad("sndbuf=0", "out of range (1..1073741824)");
	parse_bad("rcvbuf=2G", "out of range");
	parse_bad("linger=-2", "out of range (-1..3600)");
	parse_bad("linger=3601", "out of range");
	parse_bad("mtu_discover=4", "out of range (0..3)");
	parse_bad("user_timeout=2147483648", "out of range");
	parse_bad("keepidle=99999999999999999999999999", "out of range");
	parse_bad("maxseg=10", "out of range");

	parse_bad("nodelay,nodelay", "nodelay: given twice");
	parse_bad("sndbuf=1K,rcvbuf=1K,sndbuf=2K", "sndbuf: given twice");
	parse_bad("nodelay=0,nodelay=1", "given twice");

	parse_bad(",nodelay", "empty item");
	parse_bad("nodelay,,cork", "empty item");
	parse_bad("nodelay,", "empty item");
	parse_bad(",", "empty item");

	for (i = 0; i + 8 < sizeof(long_spec); i += 8)
		memcpy(long_spec + i, "nodelay,", 8);
	long_spec[i] = '\0';
	parse_bad(long_spec, "too long");

	/* A tiny or missing error buffer is safe. */
	memset(err, 'x', sizeof(err));
	CHECK(sockopt_parse("bogus", &s, err, sizeof(err)) == -1);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	CHECK(sockopt_parse("bogus", &s, NULL, 0) == -1);
	CHECK(sockopt_parse("nodelay", &s, NULL, 0) == 0);
}

static void test_format(void)
{
	struct sockopt_set a, b, c;
	char buf[512], small[20];

	parse_ok(every_spec, &a);
	CHECK(sockopt_format(&a, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, every_canon);
	parse_ok(buf, &b);
	CHECK(same_set(&a, &b));

	/* Order in the spec does not matter. */
	parse_ok("linger=0,nodelay=0,tos=8,sndbuf=1K", &c);
	CHECK(sockopt_format(&c, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "sndbuf=1024,nodelay=0,linger=0,tos=8");
	parse_ok(buf, &b);
	CHECK(same_set(&c, &b));

	sockopt_clear(&c);
	CHECK(sockopt_format(&c, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "");

	memset(small, 'x', sizeof(small));
	CHECK(sockopt_format(&a, small, sizeof(small)) == -1);
	CHECK_STR(small, "");
	CHECK(sockopt_format(&a, small, 0) == -1);

	/* Exactly fitting, and one byte short. */
	parse_ok("nodelay,cork", &c);
	CHECK(sockopt_format(&c, small, 13) == 0);
	CHECK_STR(small, "nodelay,cork");
	CHECK(sockopt_format(&c, small, 12) == -1);
}

/* Whether the word occurs in a space-separated sysctl list. */
static int sysctl_lists(const char *path, const char *word)
{
	char text[512], *tok, *save = NULL;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (tok = strtok_r(text, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (strcmp(tok, word) == 0)
			return 1;
	return 0;
}

/* Parse spec, apply it to fd, read it back into got. Returns apply's
 * count; notes gets apply's notes. */
static int apply_read(int fd, int family, int is_tcp, const char *spec,
		      struct sockopt_set *got, char *notes, size_t len)
{
	struct sockopt_set req;
	int r;

	parse_ok(spec, &req);
	r = sockopt_apply(fd, family, is_tcp, &req, notes, len);
	CHECK(sockopt_read(fd, family, is_tcp, &req, got) == 0);
	return r;
}

static void test_tcp(void)
{
	long long wmem = sockopt_sysctl("net/core/wmem_max");
	struct sockopt_set req, got;
	char notes[256];
	int fd, r;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	r = apply_read(fd, AF_INET, 1,
		       "sndbuf=64K,rcvbuf=1K,nodelay,linger=0,keepalive,"
		       "keepidle=30,keepintvl=7,keepcnt=4,user_timeout=5000,"
		       "maxseg=1200,cork,quickack=0,notsent_lowat=32K,"
		       "rcvlowat=100,tos=16,priority=3,mtu_discover=2,gso,gro",
		       &got, notes, sizeof(notes));
	CHECK(r == 2);
	CHECK_STR(notes, "gso: UDP only, skipped (TCP has its own segmentation "
			 "offload); gro: UDP only, skipped (TCP has its own "
			 "segmentation offload)");
	/* All but busy_poll and prefer_busy_poll (need CAP_NET_ADMIN; not
	 * asked here), congestion, and the UDP ones. */
	CHECK_EQ_U64(got.mask, ALL_MASK & ~(1u << SOCKOPT_BUSY_POLL |
					    1u << SOCKOPT_PREFER_BUSY_POLL |
					    1u << SOCKOPT_CONGESTION |
					    1u << SOCKOPT_GSO |
					    1u << SOCKOPT_GRO));
	if (wmem >= 65536) {
#ifdef __linux__
		CHECK_EQ_U64(got.value[SOCKOPT_SNDBUF], 131072);
#else
		CHECK(got.value[SOCKOPT_SNDBUF] >= 65536);
#endif
	}
	CHECK(got.value[SOCKOPT_RCVBUF] >= 2048);
	CHECK(got.value[SOCKOPT_RCVBUF] > 1024);
	CHECK_EQ_U64(got.value[SOCKOPT_NODELAY], 1);
	CHECK_EQ_U64(got.value[SOCKOPT_LINGER], 0);
	CHECK_EQ_U64(got.value[SOCKOPT_KEEPALIVE], 1);
	CHECK_EQ_U64(got.value[SOCKOPT_KEEPIDLE], 30);
	CHECK_EQ_U64(got.value[SOCKOPT_KEEPINTVL], 7);
	CHECK_EQ_U64(got.value[SOCKOPT_KEEPCNT], 4);
	CHECK_EQ_U64(got.value[SOCKOPT_USER_TIMEOUT], 5000);
	CHECK_EQ_U64(got.value[SOCKOPT_MAXSEG], 1200);
	CHECK_EQ_U64(got.value[SOCKOPT_CORK], 1);
	CHECK_EQ_U64(got.value[SOCKOPT_QUICKACK], 0);
	CHECK_EQ_U64(got.value[SOCKOPT_NOTSENT_LOWAT], 32768);
	CHECK_EQ_U64(got.value[SOCKOPT_RCVLOWAT], 100);
	CHECK_EQ_U64(got.value[SOCKOPT_TOS], 16);
	CHECK_EQ_U64(got.value[SOCKOPT_PRIORITY], 3);
	CHECK_EQ_U64(got.value[SOCKOPT_MTU_DISCOVER], 2);

	parse_ok("sndbuf=64K,rcvbuf=1K", &req);
	CHECK(!sockopt_clamped(&req, SOCKOPT_RCVBUF));
	if (wmem >= 65536)
		CHECK(!sockopt_clamped(&req, SOCKOPT_SNDBUF));
	CHECK(!sockopt_clamped(&req, SOCKOPT_NODELAY));

	/* linger=off on the same socket: l_onoff becomes 0. */
	r = apply_read(fd, AF_INET, 1, "linger=off,nodelay=0", &got, notes,
		       sizeof(notes));
	CHECK(r == 0);
	CHECK(got.value[SOCKOPT_LINGER] == -1);
	CHECK_EQ_U64(got.value[SOCKOPT_NODELAY], 0);

	if (sysctl_lists("/proc/sys/net/ipv4/tcp_available_congestion_control",
			 "cubic") &&
	    (geteuid() == 0 ||
	     sysctl_lists("/proc/sys/net/ipv4/tcp_allowed_congestion_control",
			  "cubic"))) {
		r = apply_read(fd, AF_INET, 1, "congestion=cubic", &got, notes,
			       sizeof(notes));
		CHECK(r == 0);
		CHECK(sockopt_has(&got, SOCKOPT_CONGESTION));
		CHECK_STR(got.congestion, "cubic");
	} else {
		printf("test_sockopt: cubic not available, check skipped\n");
	}

	/* A failure is noted and does not stop the other options. */
	r = apply_read(fd, AF_INET, 1,
		       "nodelay,congestion=nosuchcc,keepidle=31", &got, notes,
		       sizeof(notes));
	CHECK(r == 1);
	CHECK(strncmp(notes, "congestion=nosuchcc: ", 21) == 0);
	CHECK(strstr(notes, strerror(ENOENT)) != NULL);
	CHECK_EQ_U64(got.value[SOCKOPT_NODELAY], 1);
	CHECK_EQ_U64(got.value[SOCKOPT_KEEPIDLE], 31);
	close(fd);
}

/* A request above the sysctl cap reads back 2 * cap and is flagged. */
static void test_clamp(enum sockopt_id id, const char *sysctl)
{
	long long max = sockopt_sysctl(sysctl);
	struct sockopt_set req, got;
	char notes[256];
	int fd;

	if (max <= 0 || max > (1LL << 29)) {
		printf("test_sockopt: %s unusable, clamp check skipped\n",
		       sysctl);
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	sockopt_clear(&req);
	req.mask = 1u << id;
	req.value[id] = 2 * max;
	CHECK(sockopt_apply(fd, AF_INET, 1, &req, notes, sizeof(notes)) == 0);
	CHECK(sockopt_read(fd, AF_INET, 1, &req, &got) == 0);
#ifdef __linux__
	CHECK_EQ_U64(got.value[id], 2 * max);
#endif
	CHECK(sockopt_clamped(&req, id) == 1);
	req.value[id] = max;
	CHECK(sockopt_clamped(&req, id) == 0);
	req.mask = 0;
	CHECK(sockopt_clamped(&req, id) == 0);
	close(fd);
}

static void test_udp(void)
{
	struct sockopt_set got;
	char notes[256], tiny[10];
	int fd, r;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	r = apply_read(fd, AF_INET, 0, "sndbuf=64K,nodelay,keepidle=30,tos=16",
		       &got, notes, sizeof(notes));
	CHECK(r == 2);
	CHECK_STR(notes, "nodelay: TCP only, skipped; "
			 "keepidle: TCP only, skipped");
	CHECK_EQ_U64(got.mask, 1u << SOCKOPT_SNDBUF | 1u << SOCKOPT_TOS);
	CHECK(!sockopt_has(&got, SOCKOPT_NODELAY));
	CHECK_EQ_U64(got.value[SOCKOPT_TOS], 16);
#ifdef __linux__
	if (sockopt_sysctl("net/core/wmem_max") >= 65536)
		CHECK_EQ_U64(got.value[SOCKOPT_SNDBUF], 131072);
#endif

	/* Notes are cut safely and stay terminated. */
	memset(tiny, 'x', sizeof(tiny));
	r = apply_read(fd, AF_INET, 0, "nodelay,cork,keepidle=3,linger=0",
		       &got, tiny, sizeof(tiny));
	CHECK(r == 4);
	CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL);
	CHECK(strncmp(tiny, "nodelay:", 8) == 0);
	CHECK_EQ_U64(got.mask, 0);
	r = apply_read(fd, AF_INET, 0, "nodelay,cork", &got, NULL, 0);
	CHECK(r == 2);
	close(fd);
}

/* UDP_SEGMENT and UDP_GRO: applied and read back on UDP, skipped with a
 * note on reliable UDP's sockets; gso alone takes the message size. */
static void test_gso_gro(void)
{
	struct sockopt_set req, got;
	char notes[256], err[256];
	int fd, r;

	CHECK(sockopt_parse("gso", &req, err, sizeof err) == 0);
	CHECK(sockopt_has(&req, SOCKOPT_GSO));
	CHECK_EQ_U64(req.value[SOCKOPT_GSO], 0);
	CHECK(sockopt_format(&req, notes, sizeof notes) == 0);
	CHECK_STR(notes, "gso");
	CHECK(sockopt_check_size(&req, 1400, err, sizeof err) == 0);
	sockopt_resolve(&req, 1400);
	CHECK_EQ_U64(req.value[SOCKOPT_GSO], 1400);
	CHECK(sockopt_format(&req, notes, sizeof notes) == 0);
	CHECK_STR(notes, "gso=1400");
	CHECK(sockopt_check_size(&req, 1400, err, sizeof err) == 0);
	CHECK(sockopt_check_size(&req, 1200, err, sizeof err) == -1);
	CHECK(strstr(err, "gso=1400 but the messages are 1200 B") != NULL);
	CHECK(sockopt_parse("gso=70000", &req, err, sizeof err) == -1);
	CHECK(sockopt_parse("gro=2", &req, err, sizeof err) == -1);
	CHECK(sockopt_parse("nodelay", &req, err, sizeof err) == 0);
	CHECK(sockopt_check_size(&req, 1200, err, sizeof err) == 0);
	sockopt_resolve(&req, 1200);
	CHECK(!sockopt_has(&req, SOCKOPT_GSO));
	CHECK(sockopt_info(SOCKOPT_GSO)->udp_only);
	CHECK(sockopt_info(SOCKOPT_GRO)->udp_only);
	CHECK(!sockopt_info(SOCKOPT_TOS)->udp_only);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	r = apply_read(fd, AF_INET, SOCKOPT_ON_UDP, "gso=1400,gro", &got, notes,
		       sizeof(notes));
#if defined(UDP_SEGMENT) && defined(UDP_GRO)
	if (r == 0) {
		CHECK_STR(notes, "");
		CHECK(sockopt_has(&got, SOCKOPT_GSO));
		CHECK_EQ_U64(got.value[SOCKOPT_GSO], 1400);
		CHECK_EQ_U64(got.value[SOCKOPT_GRO], 1);
	} else {
		printf("test_sockopt: gso/gro refused here: %s\n", notes);
		CHECK(strstr(notes, "gso") || strstr(notes, "gro"));
	}
#endif
	r = apply_read(fd, AF_INET, SOCKOPT_ON_RUDP, "gso=1400,gro,tos=8",
		       &got, notes, sizeof(notes));
	CHECK(r == 2);
	CHECK_STR(notes, "gso: plain UDP only, skipped (reliable UDP sends and "
			 "reads one packet per call); gro: plain UDP only, "
			 "skipped (reliable UDP sends and reads one packet per "
			 "call)");
	CHECK_EQ_U64(got.mask, 1u << SOCKOPT_TOS);
	close(fd);
}

static void test_ipv6(void)
{
	struct sockopt_set got;
	char notes[256];
	int fd, r;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0) {
		printf("test_sockopt: no IPv6 (%s), checks skipped\n",
		       strerror(errno));
		return;
	}
	r = apply_read(fd, AF_INET6, 0, "tos=16,mtu_discover=1", &got, notes,
		       sizeof(notes));
	CHECK(r == 0);
	CHECK_STR(notes, "");
	CHECK_EQ_U64(got.value[SOCKOPT_TOS], 16);
	CHECK_EQ_U64(got.value[SOCKOPT_MTU_DISCOVER], 1);
	close(fd);
}

static void test_odd_fds(void)
{
	struct sockopt_set req, got;
	char notes[256];
	int p[2], sv[2], r;

	parse_ok("sndbuf=64K,tos=16", &req);
	CHECK(pipe(p) == 0);
	CHECK(sockopt_read(p[0], AF_INET, 0, &req, &got) == -1);
	CHECK(sockopt_apply(p[0], AF_INET, 0, &req, notes, sizeof(notes)) == 2);
	CHECK(strstr(notes, strerror(ENOTSOCK)) != NULL);
	close(p[0]);
	close(p[1]);

	/* tos means nothing on a Unix socket; sndbuf works there. */
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	r = sockopt_apply(sv[0], AF_UNIX, 0, &req, notes, sizeof(notes));
	CHECK(r == 1);
	CHECK(strncmp(notes, "tos: not supported", 18) == 0);
	close(sv[0]);
	close(sv[1]);
}

static void test_sysctl(void)
{
	if (access("/proc/sys/net/core/rmem_max", R_OK) == 0)
		CHECK(sockopt_sysctl("net/core/rmem_max") > 0);
	CHECK(sockopt_sysctl("net/core/no_such_thing") == -1);
	CHECK(sockopt_sysctl("../../etc/passwd") == -1);
	CHECK(sockopt_sysctl("/etc/passwd") == -1);
	CHECK(sockopt_sysctl("") == -1);
	CHECK(sockopt_sysctl(NULL) == -1);
	/* A vector is not a number. */
	CHECK(sockopt_sysctl("net/ipv4/tcp_rmem") == -1);
}

int main(void)
{
	test_table();
	test_parse_valid();
	test_parse_errors();
	test_format();
	test_tcp();
	test_clamp(SOCKOPT_RCVBUF, "net/core/rmem_max");
	test_clamp(SOCKOPT_SNDBUF, "net/core/wmem_max");
	test_udp();
	test_gso_gro();
	test_ipv6();
	test_odd_fds();
	test_sysctl();
	return check_done("test_sockopt");
}
