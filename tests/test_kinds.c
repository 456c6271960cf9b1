/* Unit tests for the table of kinds (common/kind.c) against the workloads
 * (bench/kinds.c), and for the table of status words. */
#include "kind.h"
#include "kinds.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"

/* A spec of kind k on proto with the kind's defaults, as tub-send makes
 * it without -l and -n. */
static struct tub_spec defaults(int k, int proto)
{
	struct tub_spec s = {.session = 7, .proto = (uint8_t)proto,
			     .kind = (uint8_t)k,
			     .timeout_ns = 200 * TUB_NSEC_PER_MSEC};
	const struct kind_info *i = kind_info(k);

	s.msg_size = i->size[proto] ? i->size[proto] : 64;
	s.count = i->count;
	if (s.count == 0)
		s.duration_ns = 10 * TUB_NSEC_PER_SEC;
	return s;
}

static void test_table(void)
{
	struct tub_limits lim;
	char why[256];

	spec_default_limits(&lim);
	for (int k = 0; k < TUB_KIND_COUNT; k++) {
		const struct kind_info *i = kind_info(k);
		const struct kind_work *w = kind_work(k);
		int runs = 0;
		CHECK(i != NULL && w != NULL && i->name && i->help);
		for (int p = 0; p < TUB_PROTO_COUNT; p++) {
			int on = kind_runs_on(k, p, TUB_DIR_FORWARD);
			runs += on;
			/* a workload at both ends exactly where it runs */
			CHECK((w->sender[p] != NULL) == on);
			CHECK((w->receiver[p] != NULL) == on);
			struct tub_spec s = defaults(k, p);
			int ok = spec_check(&s, &lim, why, sizeof why) == 0;
			if (on != ok)
				fprintf(stderr, "%s on %s: %s\n", i->name,
					spec_proto_name(p), why);
			CHECK(on == ok); /* defaults in range where it runs */
			CHECK(kind_runs_on(k, p, TUB_DIR_REVERSE) ==
			      (on && kind_has(k, KIND_REVERSIBLE)));
		}
		CHECK(runs > 0);
		int back = -1;
		CHECK(spec_kind_parse(i->name, &back) == 0 && back == k);
		CHECK(strcmp(spec_kind_name(k), i->name) == 0);
	}
	CHECK(kind_info(-1) == NULL && kind_info(TUB_KIND_COUNT) == NULL);
	CHECK(kind_work(TUB_KIND_COUNT) == NULL);
	CHECK(!kind_runs_on(TUB_KIND_KEEPALIVE, TUB_PROTO_UDP, 0));
	CHECK(kind_has(TUB_KIND_CONNECT, KIND_ROUND_TRIPS | KIND_PER_OP));
	CHECK(!kind_has(TUB_KIND_RR, KIND_PER_OP));
}

/* --list-kinds: one line a kind, name then proto=size where it runs. */
static void test_list(void)
{
	char buf[1024], want[128];
	FILE *f = fmemopen(buf, sizeof buf, "w");

	CHECK(f != NULL);
	kind_list(f);
	fclose(f);
	char *line = buf;
	for (int k = 0; k < TUB_KIND_COUNT; k++) {
		const struct kind_info *i = kind_info(k);
		size_t at = (size_t)snprintf(want, sizeof want, "%s", i->name);
		for (int p = 0; p < TUB_PROTO_COUNT; p++)
			if (i->size[p])
				at += (size_t)snprintf(want + at,
						       sizeof want - at,
						       " %s=%u",
						       spec_proto_name(p),
						       i->size[p]);
		char *nl = strchr(line, '\n');
		CHECK(nl != NULL);
		if (nl == NULL)
			return;
		*nl = '\0';
		CHECK(strcmp(line, want) == 0);
		line = nl + 1;
	}
	CHECK(*line == '\0');
}

static void test_status(void)
{
	/* the words the CSV, the scripts and the README use */
	static const char *const words[] = {
		"ok", "connect_failed", "refused", "timeout", "peer_closed",
		"protocol_error", "data_error", "socket_error", "no_memory",
		"interrupted", "hook_failed", "no_data", "internal"};
	enum tub_status st;

	CHECK_EQ_U64(sizeof words / sizeof words[0], ST_COUNT);
	for (int i = 0; i < ST_COUNT; i++) {
		CHECK(strcmp(status_name((enum tub_status)i), words[i]) == 0);
		CHECK(status_parse(words[i], &st) == 0 && (int)st == i);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(status_name((enum tub_status)i),
				     status_name((enum tub_status)j)) != 0);
	}
	CHECK(strcmp(status_name(ST_COUNT), "?") == 0);
	CHECK(status_parse("OK", &st) < 0 && status_parse("", &st) < 0);
}

int main(void)
{
	test_table();
	test_list();
	test_status();
	return check_done("test_kinds");
}
