/* tub-link's stats file: one CSV row per direction (or one JSON object),
 * replaced atomically so a reader never sees half of it. */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const dir_name[LINK_DIRS] = {"a2b", "b2a"};

static void write_csv(FILE *f, const struct link_snap snap[LINK_DIRS])
{
	fputs("direction,in,out,dropped_loss,dropped_queue,reordered,"
	      "duplicated,bytes_in,bytes_out,delay_err_p50_us,"
	      "delay_err_p99_us,delay_err_max_us,write_errors,unmatched,"
	      "dropped_cut,loop_stalls,loop_stall_max_us,loop_stall_total_us\n",
	      f);
	for (int d = 0; d < LINK_DIRS; d++) {
		const struct link_snap *s = &snap[d];

		fprintf(f, "%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,"
			   "%.1f,%.1f,%.1f,%llu,%llu,%llu,%llu,%.1f,%.1f\n",
			dir_name[d], (unsigned long long)s->st.in,
			(unsigned long long)s->st.out,
			(unsigned long long)s->st.dropped_loss,
			(unsigned long long)s->st.dropped_queue,
			(unsigned long long)s->st.reordered,
			(unsigned long long)s->st.duplicated,
			(unsigned long long)s->st.bytes_in,
			(unsigned long long)s->st.bytes_out,
			(double)s->err_p50_ns / 1e3, (double)s->err_p99_ns / 1e3,
			(double)s->err_max_ns / 1e3,
			(unsigned long long)s->write_errors,
			(unsigned long long)s->unmatched,
			(unsigned long long)s->dropped_cut,
			(unsigned long long)s->stalls.count,
			(double)s->stalls.max_ns / 1e3,
			(double)s->stalls.total_ns / 1e3);
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
	fputs("{\"dev_a\":", f);
	json_str(f, c->dev[0]);
	fputs(",\"dev_b\":", f);
	json_str(f, c->dev[1]);
	fprintf(f, ",\"seed\":%llu,\"match_proto\":%d,\"match_min_size\":%u",
		(unsigned long long)c->seed, c->match_proto, c->match_min_size);
	for (int d = 0; d < LINK_DIRS; d++) {
		const struct link_snap *s = &snap[d];

		fprintf(f, ",\"%s\":{\"in\":%llu,\"out\":%llu,"
			   "\"dropped_loss\":%llu,\"dropped_queue\":%llu,"
			   "\"reordered\":%llu,\"duplicated\":%llu,"
			   "\"bytes_in\":%llu,\"bytes_out\":%llu,"
			   "\"delay_err_p50_us\":%.1f,\"delay_err_p99_us\":%.1f,"
			   "\"delay_err_max_us\":%.1f,\"write_errors\":%llu,"
			   "\"unmatched\":%llu,\"dropped_cut\":%llu,"
			   "\"loop_stalls\":%llu,\"loop_stall_max_us\":%.1f,"
			   "\"loop_stall_total_us\":%.1f,",
			dir_name[d], (unsigned long long)s->st.in,
			(unsigned long long)s->st.out,
			(unsigned long long)s->st.dropped_loss,
			(unsigned long long)s->st.dropped_queue,
			(unsigned long long)s->st.reordered,
			(unsigned long long)s->st.duplicated,
			(unsigned long long)s->st.bytes_in,
			(unsigned long long)s->st.bytes_out,
			(double)s->err_p50_ns / 1e3, (double)s->err_p99_ns / 1e3,
			(double)s->err_max_ns / 1e3,
			(unsigned long long)s->write_errors,
			(unsigned long long)s->unmatched,
			(unsigned long long)s->dropped_cut,
			(unsigned long long)s->stalls.count,
			(double)s->stalls.max_ns / 1e3,
			(double)s->stalls.total_ns / 1e3);
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
