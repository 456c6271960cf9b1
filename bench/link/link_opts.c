/* tub-link's command line. Impairment options apply to both directions,
 * or to one with an a2b- / b2a- prefix; later options override earlier
 * ones, so a profile followed by the user's own options does what it says. */
#include "link.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "units.h"

/* Per-direction options: code = OPT_DIR_BASE + scope * OPT_SCOPE + which,
 * scope 0 both directions, 1 a2b, 2 b2a. */
enum {
	D_DELAY,
	D_JITTER,
	D_JITTER_REORDER,
	D_LOSS,
	D_BURST_LOSS,
	D_REORDER,
	D_REORDER_GAP,
	D_REORDER_TIMEOUT,
	D_DUP,
	D_RATE,
	D_QUEUE,
	D_QUEUE_MS,
	D_POOL,
};
#define OPT_DIR_BASE 0x100
#define OPT_SCOPE 0x20

enum {
	O_DEV_A = 0x1000,
	O_DEV_B,
	O_SEED,
	O_STATS,
	O_READY,
	O_CUT,
	O_MTU,
	O_MATCH,
	O_MATCH_MIN,
	O_SPIN,
	O_RT_PRIO,
	O_CPU,
};

#define DIR_OPTS(p, s)                                                        \
	{p "delay", required_argument, NULL, OPT_DIR_BASE + (s) * OPT_SCOPE +  \
						 D_DELAY},                     \
	{p "jitter", required_argument, NULL,                                 \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_JITTER},                          \
	{p "jitter-reorder", no_argument, NULL,                               \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_JITTER_REORDER},                  \
	{p "loss", required_argument, NULL,                                   \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_LOSS},                            \
	{p "burst-loss", required_argument, NULL,                             \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_BURST_LOSS},                      \
	{p "reorder", required_argument, NULL,                                \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_REORDER},                         \
	{p "reorder-gap", required_argument, NULL,                            \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_REORDER_GAP},                     \
	{p "reorder-timeout", required_argument, NULL,                        \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_REORDER_TIMEOUT},                 \
	{p "dup", required_argument, NULL,                                    \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_DUP},                             \
	{p "rate", required_argument, NULL,                                   \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_RATE},                            \
	{p "queue", required_argument, NULL,                                  \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_QUEUE},                           \
	{p "queue-ms", required_argument, NULL,                               \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_QUEUE_MS},                        \
	{p "pool", required_argument, NULL,                                   \
	 OPT_DIR_BASE + (s) * OPT_SCOPE + D_POOL}

static const struct option link_options[] = {
	{"dev-a", required_argument, NULL, O_DEV_A},
	{"dev-b", required_argument, NULL, O_DEV_B},
	{"seed", required_argument, NULL, O_SEED},
	{"stats", required_argument, NULL, O_STATS},
	{"json", no_argument, NULL, 'J'},
	{"ready-file", required_argument, NULL, O_READY},
	{"cut-file", required_argument, NULL, O_CUT},
	{"mtu", required_argument, NULL, O_MTU},
	{"match", required_argument, NULL, O_MATCH},
	{"match-min-size", required_argument, NULL, O_MATCH_MIN},
	{"spin", required_argument, NULL, O_SPIN},
	{"rt-prio", required_argument, NULL, O_RT_PRIO},
	{"cpu", required_argument, NULL, O_CPU},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	DIR_OPTS("", 0),
	DIR_OPTS("a2b-", 1),
	DIR_OPTS("b2a-", 2),
	{NULL, 0, NULL, 0},
};

#define usage_error(...) cli_usage_error("tub-link", __VA_ARGS__)

static void usage(void)
{
	puts("usage: tub-link --dev-a NAME --dev-b NAME [options]\n"
	     "Create two TUN devices and forward IP packets between them, "
	     "impaired.\n"
	     "a2b: read from dev-a, written to dev-b; b2a the other way.\n"
	     "Impairments, for both directions, or one with a prefix "
	     "(--a2b-delay, --b2a-loss, ...):\n"
	     "      --delay D          one-way delay: 10ms, 250us\n"
	     "      --jitter D         delay varies uniformly within +-D\n"
	     "      --jitter-reorder   let jitter reorder packets (default: "
	     "keep order)\n"
	     "      --loss P           random loss: 1%, 0.5%, or ppm (5000)\n"
	     "      --burst-loss G,B,L Gilbert-Elliott loss, percents: "
	     "good->bad,\n"
	     "                         bad->good, loss in bad (1,25,100: "
	     "bursts of ~4)\n"
	     "      --reorder P        share of packets held back ...\n"
	     "      --reorder-gap N    ... until N later ones passed "
	     "(default 3)\n"
	     "      --reorder-timeout D  ... or D past their due time "
	     "(default 10ms)\n"
	     "      --dup P            share of packets sent twice\n"
	     "      --rate R           rate limit: 50mbit, 1G (default "
	     "unlimited)\n"
	     "      --queue N          queue at the rate limit, packets "
	     "(tail drop)\n"
	     "      --queue-ms T       ... or as time at the rate: 50, 50ms\n"
	     "      --pool N           packets in flight at most (default "
	     "65536)\n"
	     "Other options:\n"
	     "      --match PROTO      impair (loss, reorder, dup) only udp, "
	     "tcp, icmp\n"
	     "                         or protocol number; the rest get delay "
	     "and rate only\n"
	     "                         (never a tail drop), and reordered "
	     "counts only the\n"
	     "                         impaired packets among themselves\n"
	     "      --match-min-size S ... and only IP packets of S bytes "
	     "or more\n"
	     "      --seed N           random seed (default 1)\n"
	     "      --stats FILE       CSV stats, on exit and on SIGUSR1 "
	     "(default stdout)\n"
	     "  -J, --json             stats as JSON\n"
	     "      --ready-file FILE  written once the devices exist\n"
	     "      --cut-file FILE    while FILE exists, drop every packet "
	     "both ways\n"
	     "                         (silently: a cut path); looked at on "
	     "start and on\n"
	     "                         SIGUSR2, which then writes the stats "
	     "as SIGUSR1 does\n"
	     "      --mtu N            device MTU (default 1500)\n"
	     "      --spin D           busy-wait the last D before a release "
	     "(default 50us,\n"
	     "                         1ms with --cpu)\n"
	     "      --rt-prio N        forward in SCHED_FIFO threads of "
	     "priority N (1-99):\n"
	     "                         exact when lightly loaded, but a "
	     "saturated link starves\n"
	     "                         the endpoints and meets RT "
	     "throttling\n"
	     "      --cpu N            forward on CPU N only; give the link a "
	     "CPU of its own\n"
	     "                         by keeping the endpoints off it "
	     "(netns.sh does)\n"
	     "  -q, --quiet            no settings line on stderr\n"
	     "  -V, --version          print the version\n"
	     "Exit status: 0 ok, 1 a failure at run time, 2 bad usage.");
}

/* "1%", "0.5%", "0.0001%" (exact, at most 4 decimals) or ppm "5000".
 * percent_only: a bare number is a percent too. */
static int parse_share(const char *s, int percent_only, uint32_t *ppm)
{
	uint64_t ip = 0, frac = 0;
	unsigned nfrac = 0;
	const char *p = s;
	int pct;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9' && ip <= LINKEM_PPM)
		ip = ip * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (++nfrac > 4)
				return -1; /* finer than 1 ppm */
			frac = frac * 10 + (uint64_t)(*p++ - '0');
		}
	}
	pct = *p == '%' || percent_only;
	if (*p == '%')
		p++;
	if (*p != '\0')
		return -1;
	if (!pct) {
		if (nfrac || ip > LINKEM_PPM)
			return -1;
		*ppm = (uint32_t)ip;
		return 0;
	}
	while (nfrac++ < 4)
		frac *= 10;
	if (ip > 100 || (ip == 100 && frac))
		return -1;
	*ppm = (uint32_t)(ip * 10000 + frac);
	return 0;
}

static uint64_t parse_u64(const char *s, const char *what, uint64_t max)
{
	return cli_whole("tub-link", what, s, max);
}

static uint64_t parse_dur(const char *s, const char *what)
{
	return cli_duration("tub-link", what, s);
}

/* "50" is milliseconds; "50ms", "0.2s" are durations. */
static uint64_t parse_ms(const char *s, const char *what)
{
	char buf[64];
	uint64_t v;

	if (strspn(s, "0123456789.") == strlen(s) &&
	    (size_t)snprintf(buf, sizeof buf, "%sms", s) < sizeof buf &&
	    units_parse_duration(buf, &v) == 0)
		return v;
	return parse_dur(s, what);
}

static void parse_burst(const char *s, struct linkem_conf *e)
{
	char buf[96], *f[3], *save = NULL;
	uint32_t v[3];

	if (snprintf(buf, sizeof buf, "%s", s) >= (int)sizeof buf)
		usage_error("bad burst loss '%s'", s);
	f[0] = strtok_r(buf, ",", &save);
	f[1] = strtok_r(NULL, ",", &save);
	f[2] = strtok_r(NULL, ",", &save);
	if (!f[0] || !f[1] || !f[2] || strtok_r(NULL, ",", &save))
		usage_error("bad burst loss '%s': want P_GB,P_BG,LOSS "
			    "(percents)", s);
	for (int i = 0; i < 3; i++)
		if (parse_share(f[i], 1, &v[i]) < 0)
			usage_error("bad burst loss '%s': '%s' is not a "
				    "percent", s, f[i]);
	e->ge_p_gb_ppm = v[0];
	e->ge_p_bg_ppm = v[1];
	e->ge_loss_ppm = v[2];
}

static uint32_t parse_ppm(const char *s, const char *what)
{
	uint32_t v;

	if (parse_share(s, 0, &v) < 0)
		usage_error("bad %s '%s': want 1%%, 0.5%% or ppm", what, s);
	return v;
}

/* One per-direction option into e. */
static void set_dir(struct linkem_conf *e, int which, const char *arg)
{
	uint64_t v;

	switch (which) {
	case D_DELAY:
		e->delay_ns = parse_dur(arg, "delay");
		break;
	case D_JITTER:
		e->jitter_ns = parse_dur(arg, "jitter");
		break;
	case D_JITTER_REORDER:
		e->jitter_reorder = 1;
		break;
	case D_LOSS:
		e->loss_ppm = parse_ppm(arg, "loss");
		break;
	case D_BURST_LOSS:
		parse_burst(arg, e);
		break;
	case D_REORDER:
		e->reorder_ppm = parse_ppm(arg, "reorder");
		break;
	case D_REORDER_GAP:
		e->reorder_gap = (uint32_t)parse_u64(arg, "reorder gap", 1000000);
		if (e->reorder_gap == 0)
			usage_error("bad reorder gap '%s'", arg);
		break;
	case D_REORDER_TIMEOUT:
		e->reorder_timeout_ns = parse_dur(arg, "reorder timeout");
		if (e->reorder_timeout_ns == 0)
			usage_error("bad reorder timeout '%s'", arg);
		break;
	case D_DUP:
		e->dup_ppm = parse_ppm(arg, "dup");
		break;
	case D_RATE:
		if (units_parse_rate(arg, &v) < 0)
			usage_error("bad rate '%s'", arg);
		e->rate_bps = v;
		break;
	case D_QUEUE:
		e->queue_pkts = (uint32_t)parse_u64(arg, "queue", LINKEM_MAX_CAPACITY);
		break;
	case D_QUEUE_MS:
		e->queue_ns = parse_ms(arg, "queue time");
		break;
	case D_POOL:
		e->capacity = (uint32_t)parse_u64(arg, "pool", LINKEM_MAX_CAPACITY);
		if (e->capacity == 0)
			usage_error("bad pool '%s'", arg);
		break;
	}
}

static int parse_proto(const char *s)
{
	if (strcmp(s, "all") == 0)
		return -1;
	if (strcmp(s, "tcp") == 0)
		return 6;
	if (strcmp(s, "udp") == 0)
		return 17;
	if (strcmp(s, "icmp") == 0)
		return 1;
	return (int)parse_u64(s, "protocol", 255);
}

static void check_dev(const char *name, const char *opt)
{
	if (name == NULL)
		usage_error("--%s is required", opt);
	if (name[0] == '\0' || strlen(name) > LINK_IFNAME_MAX ||
	    strpbrk(name, "/: \t\n") || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		usage_error("bad device name '%s' (1 to %d characters, no "
			    "'/', ':' or space)", name, LINK_IFNAME_MAX);
}

static void set_defaults(struct link_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->seed = 1;
	c->mtu = 1500;
	c->match_proto = -1;
	c->spin_ns = 50 * TUB_NSEC_PER_USEC;
	c->cpu = -1;
	for (int d = 0; d < LINK_DIRS; d++)
		c->em[d].reorder_gap = 3;
}

static void validate(struct link_conf *c)
{
	char why[128];

	check_dev(c->dev[0], "dev-a");
	check_dev(c->dev[1], "dev-b");
	if (strcmp(c->dev[0], c->dev[1]) == 0)
		usage_error("--dev-a and --dev-b are the same device");
	if (c->mtu < 68 || c->mtu > 65535)
		usage_error("bad MTU %u (68 to 65535)", (unsigned)c->mtu);
	if (c->cpu >= 0) {
		cpu_set_t may;

		if (sched_getaffinity(0, sizeof may, &may) == 0 &&
		    !CPU_ISSET(c->cpu, &may))
			usage_error("--cpu %d: not a CPU this process may run on "
				    "(%d of them)", c->cpu, CPU_COUNT(&may));
	}
	for (int d = 0; d < LINK_DIRS; d++)
		if (linkem_conf_check(&c->em[d], why, sizeof why) < 0)
			usage_error("%s: %s", d == LINK_A2B ? "a2b" : "b2a",
				    why);
}

void link_parse_args(int argc, char **argv, struct link_conf *c)
{
	int ch, spin_given = 0;

	set_defaults(c);
	opterr = 0; /* one line of our own instead */
	while ((ch = getopt_long(argc, argv, "JqhV", link_options, NULL)) !=
	       -1) {
		if (ch >= OPT_DIR_BASE && ch < OPT_DIR_BASE + 3 * OPT_SCOPE) {
			int scope = (ch - OPT_DIR_BASE) / OPT_SCOPE;
			int which = (ch - OPT_DIR_BASE) % OPT_SCOPE;

			for (int d = 0; d < LINK_DIRS; d++)
				if (scope == 0 || scope == d + 1)
					set_dir(&c->em[d], which, optarg);
			continue;
		}
		switch (ch) {
		case O_DEV_A:
			c->dev[LINK_A2B] = optarg;
			break;
		case O_DEV_B:
			c->dev[LINK_B2A] = optarg;
			break;
		case O_SEED:
			c->seed = parse_u64(optarg, "seed", UINT64_MAX);
			break;
		case O_STATS:
			c->stats_path = optarg;
			break;
		case 'J':
			c->json = 1;
			break;
		case O_READY:
			c->ready_path = optarg;
			break;
		case O_CUT:
			c->cut_path = optarg;
			break;
		case O_MTU:
			c->mtu = (uint32_t)parse_u64(optarg, "MTU", 65535);
			break;
		case O_MATCH:
			c->match_proto = parse_proto(optarg);
			break;
		case O_MATCH_MIN: {
			uint64_t v;

			if (units_parse_size(optarg, &v) < 0 || v > 65535)
				usage_error("bad size '%s'", optarg);
			c->match_min_size = (uint32_t)v;
			break;
		}
		case O_SPIN:
			c->spin_ns = parse_dur(optarg, "spin time");
			spin_given = 1;
			break;
		case O_RT_PRIO:
			c->rt_prio = (int)parse_u64(optarg, "priority", 99);
			if (c->rt_prio == 0)
				usage_error("bad priority '%s' (1 to 99)", optarg);
			break;
		case O_CPU:
			c->cpu = (int)parse_u64(optarg, "CPU", CPU_SETSIZE - 1);
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'V':
			printf("tub-link %s\n", TUB_VERSION);
			exit(0);
		case 'h':
			usage();
			exit(0);
		default:
			usage_error("unknown option or missing value: %s",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	validate(c);
	/* On a CPU of its own, a busy wait takes nothing from the endpoints,
	 * and a timer's wake-up on an idle (virtual) CPU is the larger error. */
	if (c->cpu >= 0 && !spin_given)
		c->spin_ns = LINK_OWN_CPU_SPIN_NS;
}
