/* The result schema: quoting, column order, emptiness, derived figures. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char *to_string(void (*fn)(FILE *, const void *), const void *arg)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	fn(f, arg);
	fclose(f);
	return s;
}

static void quote_one(FILE *f, const void *s)
{
	csv_write_field(f, s);
}

static const struct csv_cell *cell(const struct csv_row *row, const char *name)
{
	for (int i = 0; i < row->n; i++)
		if (strcmp(row->cell[i].name, name) == 0)
			return &row->cell[i];
	return NULL;
}

static const char *num(const struct csv_row *row, const char *name)
{
	const struct csv_cell *c = cell(row, name);

	return c && c->type == CSV_NUMBER ? c->num : "";
}

static void test_quoting(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"plain", "plain"},
		{"", ""},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
		{"cr\r", "\"cr\r\""},
		{"sndbuf=64K;rcvbuf=1M", "sndbuf=64K;rcvbuf=1M"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = to_string(quote_one, cases[i].in);
		CHECK_STR(s, cases[i].out);
		free(s);
	}
}

static struct tub_result *udp_result(void)
{
	struct tub_result *r = calloc(1, sizeof *r);

	r->spec.proto = TUB_PROTO_UDP;
	r->spec.kind = TUB_KIND_STREAM;
	r->spec.msg_size = 1000;
	r->spec.duration_ns = 2000000000;
	r->have_tx = r->have_rx = 1;
	r->tx.msgs = 1000;
	r->tx.bytes = 1000000;
	r->tx.elapsed_ns = 1000000000;
	r->rx.received = 970;
	r->rx.msgs = 972;
	r->rx.duplicates = 2;
	r->rx.bytes = 972000;
	r->rx.elapsed_ns = 500000000;
	r->rx.rcvbuf_drops = 10;
	r->rx.jitter_ns = 1500;
	r->status = ST_OK;
	strcpy(r->error, "with, a \"comma\"");
	return r;
}

static void test_udp_row(void)
{
	struct tub_result *r = udp_result();
	struct csv_row *row = malloc(sizeof *row);

	csv_fill(r, row);
	CHECK_EQ_U64(row->n, csv_column_count());
	CHECK_STR(num(row, "udp_sent"), "1000");
	CHECK_STR(num(row, "udp_received"), "970");
	CHECK_STR(num(row, "udp_lost"), "30");
	CHECK_STR(num(row, "udp_rcvbuf_drops"), "10");
	CHECK_STR(num(row, "udp_path_lost"), "20");
	CHECK_STR(num(row, "udp_loss_pct"), "3.0000");
	CHECK_STR(num(row, "udp_jitter_us"), "1.500");
	/* 972000 B in 0.5 s at the receiver; 1000000 B in 1 s sent */
	CHECK_STR(num(row, "throughput_bps"), "15552000");
	CHECK_STR(num(row, "tx_rate_bps"), "8000000");
	CHECK_STR(num(row, "duration_req_s"), "2.000");
	/* TCP and rr columns are empty on a UDP stream row */
	CHECK(cell(row, "tcp_retrans_segs")->type == CSV_EMPTY);
	CHECK(cell(row, "rtt_p50_us")->type == CSV_EMPTY);
	CHECK(cell(row, "rate_req_bps")->type == CSV_EMPTY);
	/* buffer drops beyond the loss cannot make path loss negative */
	r->rx.rcvbuf_drops = 50;
	csv_fill(r, row);
	CHECK_STR(num(row, "udp_path_lost"), "0");
	/* a lying receiver (more received than sent) never gives negative loss */
	r->rx.received = 1200;
	csv_fill(r, row);
	CHECK_STR(num(row, "udp_lost"), "0");
	free(row);
	free(r);
}

static void test_names(void)
{
	struct tub_result *r = udp_result();
	struct csv_row *row = malloc(sizeof *row);

	csv_fill(r, row);
	for (int i = 0; i < row->n; i++) {
		for (int j = i + 1; j < row->n; j++)
			CHECK(strcmp(row->cell[i].name, row->cell[j].name) != 0);
		CHECK(strlen(row->cell[i].name) > 0);
	}
	/* option columns exist for both ends, requested and granted */
	CHECK(cell(row, "local_req_sndbuf_bytes") != NULL);
	CHECK(cell(row, "remote_granted_rcvbuf_bytes") != NULL);
	CHECK(cell(row, "local_granted_nodelay") != NULL);
	free(row);
	free(r);
}

static void test_rr_row(void)
{
	struct tub_result *r = calloc(1, sizeof *r);
	struct hist *h = malloc(sizeof *h);
	struct csv_row *row = malloc(sizeof *row);

	hist_init(h);
	for (uint64_t v = 1; v <= 1000; v++)
		hist_record(h, v * 1000); /* 1..1000 us */
	r->spec.proto = TUB_PROTO_TCP;
	r->spec.kind = TUB_KIND_RR;
	r->spec.msg_size = 64;
	r->rtt = h;
	r->rr_done = 1000;
	r->rr_elapsed_ns = 2000000000;
	sockopt_parse("nodelay,sndbuf=64K", &r->local_req, NULL, 0);
	csv_fill(r, row);
	CHECK_STR(num(row, "rtt_max_us"), "1000.000");
	CHECK_STR(num(row, "rtt_min_us"), "1.000");
	CHECK_STR(num(row, "rr_rate_tps"), "500.0");
	CHECK_STR(num(row, "local_req_sndbuf_bytes"), "65536");
	CHECK_STR(num(row, "local_req_nodelay"), "1");
	CHECK(cell(row, "local_req_rcvbuf_bytes")->type == CSV_EMPTY);
	double p50 = atof(num(row, "rtt_p50_us"));
	double p99 = atof(num(row, "rtt_p99_us"));
	CHECK_NEAR(p50, 500, 5);
	CHECK_NEAR(p99, 990, 9.9);
	CHECK(cell(row, "udp_lost")->type == CSV_EMPTY);
	CHECK(cell(row, "throughput_bps")->type == CSV_EMPTY);

	/* JSON: numbers bare, empty as null, strings escaped */
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	strcpy(r->error, "a \"quote\"\n");
	csv_fill(r, row);
	csv_write_json(f, row);
	fclose(f);
	CHECK(strstr(s, "\"rr_done\":1000,") != NULL);
	CHECK(strstr(s, "\"udp_lost\":null") != NULL);
	CHECK(strstr(s, "\"error\":\"a \\\"quote\\\"\\u000a\"") != NULL);
	CHECK(s[0] == '{' && s[n - 2] == '}' && s[n - 1] == '\n');
	free(s);
	free(row);
	free(h);
	free(r);
}

static void test_append(void)
{
	char path[] = "/tmp/tub_csv_XXXXXX";
	int fd = mkstemp(path);
	char err[256];
	struct tub_result *r = udp_result();
	struct csv_row *row = malloc(sizeof *row);

	CHECK(fd >= 0);
	close(fd);
	FILE *f = csv_open_append(path, err, sizeof err);
	CHECK(f != NULL);
	csv_fill(r, row);
	csv_write_row(f, row);
	fclose(f);
	f = csv_open_append(path, err, sizeof err); /* header not again */
	CHECK(f != NULL);
	csv_write_row(f, row);
	fclose(f);

	f = fopen(path, "r");
	char line[8192];
	int lines = 0, headers = 0;
	while (fgets(line, sizeof line, f)) {
		lines++;
		headers += strncmp(line, "run_id,", 7) == 0;
	}
	fclose(f);
	CHECK_EQ_U64(lines, 3);
	CHECK_EQ_U64(headers, 1);

	f = fopen(path, "w");
	fputs("some,other,header\n", f);
	fclose(f);
	CHECK(csv_open_append(path, err, sizeof err) == NULL);
	CHECK(strstr(err, "another header") != NULL);
	unlink(path);
	free(row);
	free(r);
}

int main(void)
{
	test_quoting();
	test_udp_row();
	test_names();
	test_rr_row();
	test_append();
	return check_done("test_csv");
}
