/* tub-link's stats file: one CSV row per direction (or one JSON object),
 * replaced atomically so a reader never sees half of it. */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const dir_name[LINK_DIRS] = {"a2b", "b2a"};

/* One direction's figures, in the order of the CSV columns and the JSON
 * keys: a count, or a time in ns written as us with one decimal. */
struct stat_field {
	const char *name;
	uint64_t v;
	int ns_as_us;
};
#define STAT_FIELDS 17

static void stat_fields(const struct link_snap *s,
			struct stat_field f[STAT_FIELDS])
{
	const struct stat_field all[STAT_FIELDS] = {
		{"in", s->st.in, 0},
		{"out", s->st.out, 0},
		{"dropped_loss", s->st.dropped_loss, 0},
		{"dropped_queue", s->st.dropped_queue, 0},
		{"reordered", s->st.reordered, 0},
		{"duplicated", s->st.duplicated, 0},
		{"bytes_in", s->st.bytes_in, 0},
		{"bytes_out", s->st.bytes_out, 0},
		{"delay_err_p50_us", s->err_p50_ns, 1},
		{"delay_err_p99_us", s->err_p99_ns, 1},
		{"delay_err_max_us", s->err_max_ns, 1},
		{"write_errors", s->write_errors, 0},
		{"unmatched", s->unmatched, 0},
		{"dropped_cut", s->dropped_cut, 0},
		{"loop_stalls", s->stalls.count, 0},
		{"loop_stall_max_us", s->stalls.max_ns, 1},
		{"loop_stall_total_us", s->stalls.total_ns, 1},
	};

	memcpy(f, all, sizeof all);
}

static void put_value(FILE *f, const struct stat_field *x)
{
	if (x->ns_as_us)
		fprintf(f, "%.1f", (double)x->v / 1e3);
	else
		fprintf(f, "%llu", (unsigned long long)x->v);
}

static void write_csv(FILE *f, const struct link_snap snap[LINK_DIRS])
{
	struct stat_field x[STAT_FIELDS];

	stat_fields(&snap[0], x);
	fputs("direction", f);
	for (int i = 0; i < STAT_FIELDS; i++)
		fprintf(f, ",%s", x[i].name);
	fputc('\n', f);
	for (int d = 0; d < LINK_DIRS; d++) {
		stat_fields(&snap[d], x);
		fputs(dir_name[d], f);
		for (int i = 0; i < STAT_FIELDS; i++) {
			fputc(',', f);
			put_value(f, &x[i]);
		}
		fputc('\n', f);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_conf(FILE *f, const struct linkem_conf *e)
{
	fprintf(f, "\"conf\":{\"delay_ns\":%llu,\"jitter_ns\":%llu,"
		   "\"jitter_reorder\":%s,\"loss_ppm\":%u,"
		   "\"burst_loss_ppm\":[%u,%u,%u],\"reorder_ppm\":%u,"
		   "\"reorder_gap\":%u,\"reorder_timeout_ns\":%llu,"
		   "\"dup_ppm\":%u,\"rate_bps\":%llu,\"queue_pkts\":%u,"
		   "\"queue_ns\":%llu,\"pool\":%u}",
		(unsigned long long)e->delay_ns, (unsigned long long)e->jitter_ns,
		e->jitter_reorder ? "true" : "false", e->loss_ppm,
		e->ge_p_gb_ppm, e->ge_p_bg_ppm, e->ge_loss_ppm, e->reorder_ppm,
		e->reorder_gap,
		(unsigned long long)(e->reorder_timeout_ns
					     ? e->reorder_timeout_ns
					     : LINKEM_DEFAULT_REORDER_TIMEOUT_NS),
		e->dup_ppm, (unsigned long long)e->rate_bps, e->queue_pkts,
		(unsigned long long)e->queue_ns,
		e->capacity ? e->capacity : LINKEM_DEFAULT_CAPACITY);
}

static void write_json(FILE *f, const struct link_conf *c,
		       const struct link_snap snap[LINK_DIRS])
{
	struct stat_field x[STAT_FIELDS];

	fputs("{\"dev_a\":", f);
	json_str(f, c->dev[0]);
	fputs(",\"dev_b\":", f);
	json_str(f, c->dev[1]);
	fprintf(f, ",\"seed\":%llu,\"match_proto\":%d,\"match_min_size\":%u",
		(unsigned long long)c->seed, c->match_proto, c->match_min_size);
	for (int d = 0; d < LINK_DIRS; d++) {
		const struct link_snap *s = &snap[d];

		stat_fields(s, x);
		fprintf(f, ",\"%s\":{", dir_name[d]);
		for (int i = 0; i < STAT_FIELDS; i++) {
			fprintf(f, "\"%s\":", x[i].name);
			put_value(f, &x[i]);
			fputc(',', f);
		}
		json_conf(f, &c->em[d]);
		fputc('}', f);
	}
	fputs("}\n", f);
}

static int write_to(FILE *f, const struct link_conf *c,
		    const struct link_snap snap[LINK_DIRS])
{
	if (c->json)
		write_json(f, c, snap);
	else
		write_csv(f, snap);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

int link_stats_write(const struct link_conf *c, const char *path,
		     const struct link_snap snap[LINK_DIRS])
{
	char tmp[4096];
	FILE *f;
	int rc, e;

	if (path == NULL)
		return write_to(stdout, c, snap);
	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	rc = write_to(f, c, snap);
	e = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = -1;
		e = errno;
	}
	if (rc < 0) {
		unlink(tmp);
		errno = e;
	}
	return rc;
}
