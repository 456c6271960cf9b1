/* tub-link: a link emulator between two TUN devices. Creates dev-a and
 * dev-b, forwards IP packets between them (link_fwd.c: a thread per
 * direction, or one for both on a CPU of its own) through the impairments
 * of common/linkem.c, and writes what it did to the stats file on SIGUSR1
 * and on exit (SIGTERM, SIGINT). On SIGUSR2 it looks at --cut-file (cut
 * while it exists), then writes the stats, which tells the one who asked
 * that the change is made.
 * Exit status: 0 ok, 1 a failure at run time, 2 bad usage. */
#include "link.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "units.h"

#define SNAP_WAIT_NS (500 * TUB_NSEC_PER_MSEC)

static const char *const dir_names[LINK_DIRS] = {"a2b", "b2a"};

/* "delay 10.0 ms, loss 10000 ppm, rate 50.0 Mbit/s" or "no impairment". */
static void describe(const struct linkem_conf *e, char *buf, size_t len)
{
	char a[32], b[32];
	size_t n = 0;

#define ADD(...)                                                              \
	do {                                                                  \
		if (n < len)                                                  \
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);  \
	} while (0)
	buf[0] = '\0';
	if (e->delay_ns)
		ADD(" delay %s",
		    units_fmt_duration((double)e->delay_ns, a, sizeof a));
	if (e->jitter_ns)
		ADD(" jitter +-%s%s",
		    units_fmt_duration((double)e->jitter_ns, b, sizeof b),
		    e->jitter_reorder ? " (may reorder)" : "");
	if (e->loss_ppm)
		ADD(" loss %u ppm", e->loss_ppm);
	if (e->ge_p_gb_ppm)
		ADD(" burst-loss %u,%u,%u ppm", e->ge_p_gb_ppm, e->ge_p_bg_ppm,
		    e->ge_loss_ppm);
	if (e->reorder_ppm)
		ADD(" reorder %u ppm gap %u", e->reorder_ppm, e->reorder_gap);
	if (e->dup_ppm)
		ADD(" dup %u ppm", e->dup_ppm);
	if (e->rate_bps)
		ADD(" rate %s", units_fmt_rate((double)e->rate_bps, a, sizeof a));
	if (e->queue_pkts)
		ADD(" queue %u pkts", e->queue_pkts);
	if (e->queue_ns)
		ADD(" queue %s",
		    units_fmt_duration((double)e->queue_ns, a, sizeof a));
	if (n == 0)
		ADD(" no impairment");
#undef ADD
}

static int write_ready(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Ask both threads for their numbers and wait (briefly) for them. */
static void request_snaps(struct link_dir dir[LINK_DIRS],
			  struct link_snap snap[LINK_DIRS])
{
	unsigned want[LINK_DIRS];
	uint64_t deadline = clock_now_ns() + SNAP_WAIT_NS;

	for (int d = 0; d < LINK_DIRS; d++)
		want[d] = atomic_fetch_add(&dir[d].snap_req, 1) + 1;
	for (int d = 0; d < LINK_DIRS; d++) {
		while (atomic_load(&dir[d].snap_done) != want[d] &&
		       clock_now_ns() < deadline)
			clock_sleep_until(clock_now_ns() + TUB_NSEC_PER_MSEC);
		pthread_mutex_lock(&dir[d].mu);
		snap[d] = dir[d].snap;
		pthread_mutex_unlock(&dir[d].mu);
	}
}

static void save_stats(const struct link_conf *c,
		       const struct link_snap snap[LINK_DIRS])
{
	if (link_stats_write(c, c->stats_path, snap) < 0)
		fprintf(stderr, "tub-link: writing stats to %s: %s\n",
			c->stats_path ? c->stats_path : "stdout",
			strerror(errno));
}

/* Whether the link should be cut now: --cut-file exists. */
static int want_cut(const struct link_conf *c)
{
	return c->cut_path && access(c->cut_path, F_OK) == 0;
}

/* Cut or heal as --cut-file says; say so when it changes. */
static void apply_cut(const struct link_conf *c, atomic_int *cut)
{
	int want = want_cut(c);

	if (atomic_exchange(cut, want) != want && !c->quiet)
		fprintf(stderr, "tub-link: link %s\n", want ? "cut" : "healed");
}

/* Serve signals until told to stop: SIGUSR1 writes the stats, SIGUSR2
 * cuts or heals, then writes them. */
static void signal_loop(const struct link_conf *c, const sigset_t *set,
			struct link_dir dir[LINK_DIRS], atomic_int *cut)
{
	struct link_snap snap[LINK_DIRS];

	for (;;) {
		int sig = sigwaitinfo(set, NULL);

		if (sig < 0)
			continue; /* EINTR */
		if (sig == SIGUSR2)
			apply_cut(c, cut);
		else if (sig != SIGUSR1)
			return;
		/* The threads answer after they saw the new state: every
		 * packet they read from here on is cut (or not). */
		request_snaps(dir, snap);
		save_stats(c, snap);
	}
}

static int start(const struct link_conf *c, struct link_dir dir[LINK_DIRS],
		 int fd[LINK_DIRS], atomic_int *stop, atomic_int *cut)
{
	char err[256];

	for (int d = 0; d < LINK_DIRS; d++) {
		fd[d] = link_tun_open(c->dev[d], c->mtu, err, sizeof err);
		if (fd[d] < 0) {
			fprintf(stderr, "tub-link: %s\n", err);
			return -1;
		}
	}
	for (int d = 0; d < LINK_DIRS; d++) {
		/* Distinct, reproducible streams per direction. */
		uint64_t seed = c->seed + (uint64_t)d * UINT64_C(0x632be59bd9b4e019);

		if (link_dir_init(&dir[d], dir_names[d], c, &c->em[d], seed,
				  fd[d], fd[!d], stop, cut) < 0) {
			fprintf(stderr, "tub-link: %s: %s\n", dir_names[d],
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* A forwarding thread, real-time and on one CPU if asked: 0 or an error
 * number. */
static int start_thread(const struct link_conf *c, pthread_t *th,
			struct link_fwd *f)
{
	struct sched_param sp = {.sched_priority = c->rt_prio};
	pthread_attr_t attr;
	int e;

	e = pthread_attr_init(&attr);
	if (!e && c->rt_prio) {
		e = pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		if (!e)
			e = pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		if (!e)
			e = pthread_attr_setschedparam(&attr, &sp);
	}
	if (!e && c->cpu >= 0) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(c->cpu, &one);
		e = pthread_attr_setaffinity_np(&attr, sizeof one, &one);
	}
	if (!e)
		e = pthread_create(th, &attr, link_fwd_run, f);
	pthread_attr_destroy(&attr);
	return e;
}

int main(int argc, char **argv)
{
	static struct link_conf conf;
	static struct link_dir dir[LINK_DIRS];
	struct link_snap snap[LINK_DIRS];
	int fd[LINK_DIRS] = {-1, -1};
	pthread_t th[LINK_DIRS];
	static struct link_fwd fwd[LINK_DIRS];
	int nthreads = LINK_DIRS;
	atomic_int stop, cut;
	sigset_t set;
	int rc = 0, started = 0;

	link_parse_args(argc, argv, &conf);
	atomic_init(&stop, 0);
	atomic_init(&cut, want_cut(&conf));
	/* Every thread blocks these; main takes them with sigwaitinfo. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (start(&conf, dir, fd, &stop, &cut) < 0) {
		rc = 1;
		goto out;
	}
	if (conf.ready_path && write_ready(conf.ready_path) < 0) {
		fprintf(stderr, "tub-link: ready file %s: %s\n",
			conf.ready_path, strerror(errno));
		rc = 1;
		goto out;
	}
	if (!conf.quiet) {
		for (int d = 0; d < LINK_DIRS; d++) {
			char desc[512];

			describe(&conf.em[d], desc, sizeof desc);
			fprintf(stderr, "tub-link: %s %s -> %s:%s\n", dir_names[d],
				conf.dev[d], conf.dev[!d], desc);
		}
		if (conf.cpu >= 0)
			fprintf(stderr, "tub-link: forwarding on CPU %d, "
				"one thread for both directions\n",
				conf.cpu);
		if (atomic_load(&cut))
			fprintf(stderr, "tub-link: link cut (%s exists)\n",
				conf.cut_path);
	}
	/* On one CPU, one thread for both directions; else one each. */
	nthreads = conf.cpu >= 0 ? 1 : LINK_DIRS;
	for (int t = 0; t < nthreads; t++) {
		fwd[t].dir = &dir[t];
		fwd[t].ndir = LINK_DIRS / nthreads;
	}
	for (; started < nthreads; started++) {
		int e = start_thread(&conf, &th[started], &fwd[started]);

		if (e != 0) {
			fprintf(stderr, "tub-link: thread%s: %s\n",
				conf.rt_prio ? " (SCHED_FIFO)" : "",
				strerror(e));
			rc = 1;
			break;
		}
	}
	if (rc == 0)
		signal_loop(&conf, &set, dir, &cut);
	atomic_store(&stop, 1);
	for (int d = 0; d < started; d++)
		pthread_join(th[d], NULL);
	for (int d = 0; d < LINK_DIRS; d++) {
		if (dir[d].fatal_errno) {
			fprintf(stderr, "tub-link: %s: reading %s: %s\n",
				dir_names[d], conf.dev[d],
				strerror(dir[d].fatal_errno));
			rc = 1;
		}
	}
	if (started == nthreads) {
		for (int d = 0; d < LINK_DIRS; d++)
			link_dir_snap(&dir[d], &snap[d]);
		save_stats(&conf, snap);
	}
out:
	if (conf.ready_path)
		unlink(conf.ready_path); /* the devices are going */
	for (int d = 0; d < LINK_DIRS; d++) {
		if (dir[d].err_hist)
			link_dir_free(&dir[d]);
		if (fd[d] >= 0)
			close(fd[d]);
	}
	return rc;
}
