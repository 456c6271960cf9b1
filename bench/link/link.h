/* tub-link: the pieces of the link emulator program. Options (link_opts.c),
 * one forwarding thread per direction over TUN devices (link_fwd.c), the
 * stats file (link_stats.c); tub_link.c ties them together. */
#ifndef TUB_LINK_H
#define TUB_LINK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "hist.h"
#include "linkem.h"

#define LINK_A2B 0 /* read from dev-a, written to dev-b */
#define LINK_B2A 1
#define LINK_DIRS 2
#define LINK_IFNAME_MAX 15 /* IFNAMSIZ - 1 */
#define LINK_OWN_CPU_SPIN_NS (1000 * 1000) /* --spin's default with --cpu */

/* Everything the command line says. */
struct link_conf {
	const char *dev[LINK_DIRS];   /* dev-a, dev-b */
	struct linkem_conf em[LINK_DIRS];
	uint64_t seed;
	const char *stats_path;       /* NULL: stdout */
	int json;
	const char *ready_path;
	const char *cut_path;         /* while it exists, the link is cut */
	uint32_t mtu;
	int match_proto;              /* -1: every packet is impaired */
	uint32_t match_min_size;      /* IP length for impairment */
	uint64_t spin_ns;             /* busy-wait this close to a release */
	int rt_prio;                  /* SCHED_FIFO priority; 0: normal */
	int cpu;                      /* forward on this CPU; -1: any */
	int quiet;
};

/* Times a forwarding thread's loop, running (not asleep by choice), went
 * LINK_STALL_NS or more between two looks at the clock: its CPU was taken
 * by another task, an interrupt or the hypervisor, or one system call took
 * that long (seen: a write that wakes a receiver on an idle virtual CPU).
 * Every packet due meanwhile was late. */
#define LINK_STALL_NS (50 * 1000)
struct link_stalls {
	uint64_t count, total_ns, max_ns;
};

/* What one direction did; copied out for the stats file. */
struct link_snap {
	struct linkem_stats st;
	uint64_t write_errors;        /* released but not written: dropped */
	uint64_t unmatched;           /* passed unimpaired (--match) */
	uint64_t dropped_cut;         /* read while the link was cut */
	uint64_t err_p50_ns, err_p99_ns, err_max_ns; /* write time - due */
	struct link_stalls stalls;    /* of the thread forwarding it */
};

/* One direction at run time. The thread owns all but the snapshot. */
struct link_dir {
	const char *name;             /* "a2b" */
	const struct link_conf *conf;
	int in_fd, out_fd;
	struct linkem em;
	uint8_t *slots;               /* payloads, indexed by packet id */
	uint32_t slot_size;
	uint32_t nslots;
	uint8_t *refs;                /* copies of each slot still queued */
	uint32_t *free_slots;
	uint32_t nfree;
	struct hist *err_hist;
	uint64_t write_errors;
	uint64_t unmatched;
	uint64_t dropped_cut;
	int fatal_errno;              /* why the thread gave up; 0 */
	const struct link_stalls *stalls; /* its thread's; NULL before */
	atomic_int *stop;
	atomic_int *cut;              /* 1: drop every packet read */
	/* Snapshots on request (SIGUSR1), under mu. */
	pthread_mutex_t mu;
	atomic_uint snap_req, snap_done;
	struct link_snap snap;
};

/* Parse the command line into c; on bad usage prints one line and exits
 * with status 2 (this is the program's parser, not a library). */
void link_parse_args(int argc, char **argv, struct link_conf *c);

/* Open the TUN device name (IFF_TUN | IFF_NO_PI), non-blocking, with the
 * given MTU. The fd, or -1 with errno and a reason in err. */
int link_tun_open(const char *name, uint32_t mtu, char *err, size_t len);

/* Set up direction d (engine, payload pool); 0 or -1 with errno. */
int link_dir_init(struct link_dir *d, const char *name,
		  const struct link_conf *c, const struct linkem_conf *em,
		  uint64_t seed, int in_fd, int out_fd, atomic_int *stop,
		  atomic_int *cut);

/* Free what link_dir_init took. */
void link_dir_free(struct link_dir *d);

/* What one forwarding thread serves: one direction, or (on a CPU of its
 * own, --cpu) both, taking turns, since two threads on one CPU would wait
 * for each other's time slices. */
struct link_fwd {
	struct link_dir *dir;
	int ndir;
	uint64_t last;                /* the clock's last reading; 0: asleep */
	struct link_stalls stalls;
};

/* Thread body: forward until *stop; arg is a struct link_fwd. */
void *link_fwd_run(void *arg);

/* The current numbers of d (call from the thread, or after it ended). */
void link_dir_snap(struct link_dir *d, struct link_snap *s);

/* Write both directions' numbers as CSV (or JSON) to path, atomically
 * (a temporary file renamed over it), or to stdout when path is NULL.
 * 0 or -1 with errno. */
int link_stats_write(const struct link_conf *c, const char *path,
		     const struct link_snap snap[LINK_DIRS]);

#endif
