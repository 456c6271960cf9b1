/* The result schema: one row per test, one fixed column order, owned here.
 * The same cells give the CSV header, the CSV row (RFC 4180 quoting) and the
 * JSON object, so the three never disagree. */
#ifndef TUB_CSV_H
#define TUB_CSV_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "sockopt.h"
#include "spec.h"
#include "status.h"

/* Everything one test produced, from both ends. */
struct tub_result {
	char run_id[64];
	char label[64];                   /* --label: the point's name in a
					     sweep ("rate=0.5x"), or empty */
	char timestamp[32];               /* UTC, ISO 8601 */
	char sender_host[TUB_HOST_MAX];
	char receiver_host[TUB_HOST_MAX];
	char target[128];                 /* -c as given */
	char family[8];                   /* "ipv4" / "ipv6" */
	char remote_version[TUB_VERSION_MAX];
	struct tub_spec spec;
	char local_opts[TUB_OPTSTR_MAX];  /* as requested, canonical */
	struct sockopt_set local_req, local_granted;
	struct sockopt_set remote_req, remote_granted;
	uint8_t local_clamped[2];         /* sndbuf, rcvbuf */
	uint8_t remote_clamped[2];
	char local_notes[TUB_TEXT_MAX];
	char remote_notes[TUB_TEXT_MAX];
	enum tub_status status;
	char error[TUB_TEXT_MAX];         /* why, when status is not ok */

	int have_tx, have_rx;             /* which reports arrived */
	struct tub_tx tx;                 /* the end that sent the data */
	struct tub_rx rx;                 /* the end that received it */

	/* rr, measured by the requesting end */
	struct hist *rtt;                 /* round trips, ns; NULL if none */
	struct tub_rtt rtt_peer;          /* round trips as figures: under -R
					     tub-recv's, from its DONE; of a
					     flow, once its histogram is gone */
	uint64_t rr_done;                 /* round trips completed */
	uint64_t rr_lost;                 /* probes whose reply timed out */
	uint64_t rr_late;                 /* replies that came after their
					     timeout (dropped) */
	uint64_t rr_elapsed_ns;

	struct tub_probe probe;           /* fill, linger, keepalive, connect */
	struct tub_cpu cpu_local;         /* tub-send's, over the data phase */
	struct tub_cpu cpu_remote;        /* tub-recv's, from its DONE or RESULT */

	/* -P: which flow (0..flows-1), or -1 for the sum of them all */
	int flow;
	int bidir;                        /* --bidir: the row is one direction
					     of a test that ran both */
	double jain_index;                /* the sum: Jain's fairness index of
					     the flows' throughputs */
};

#define CSV_MAX_COLUMNS 256
#define CSV_CELL_TEXT 48

enum csv_cell_type { CSV_EMPTY, CSV_NUMBER, CSV_STRING };

#define CSV_NAME_MAX 48

struct csv_cell {
	char name[CSV_NAME_MAX];
	enum csv_cell_type type;
	const char *str;            /* CSV_STRING */
	char num[CSV_CELL_TEXT];    /* CSV_NUMBER, formatted */
};

struct csv_row {
	int n;
	struct csv_cell cell[CSV_MAX_COLUMNS];
	char udp_notes[384]; /* the udp_notes cell, composed here */
};

/* Fill row with every column of r in schema order. Columns that do not
 * apply to r's transport and kind, or whose report is missing, are empty. */
void csv_fill(const struct tub_result *r, struct csv_row *row);

/* Write the header line (column names) to f. */
int csv_write_header(FILE *f);

/* Write one row as a CSV line (RFC 4180 quoting, LF line end). */
int csv_write_row(FILE *f, const struct csv_row *row);

/* Write one row as a JSON object on one line: numbers as numbers, strings
 * escaped, empty cells as null. */
int csv_write_json(FILE *f, const struct csv_row *row);

/* Quote one field per RFC 4180 into f: as is unless it holds a comma, a
 * quote, CR or LF; then inside quotes with quotes doubled. */
int csv_write_field(FILE *f, const char *s);

/* Open path for appending rows: a new or empty file gets the header; an
 * existing file must start with this version's exact header. Returns the
 * stream, or NULL with a one-line reason in err. */
FILE *csv_open_append(const char *path, char *err, size_t errlen);

/* Number of columns in the schema. */
int csv_column_count(void);

/* The round trips of a row: from its histogram and counts (this end
 * asked), or under -R the figures tub-recv sent. out->valid 0 when there
 * are none (no histogram). */
void csv_rtt(const struct tub_result *r, struct tub_rtt *out);

#endif
