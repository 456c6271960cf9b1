/* tub-link's data path: a thread per direction (or one for both) reads
 * its input TUN device, stamps and pushes each packet into its engine, and
 * writes the packets that come due to the other device at their release
 * time: ppoll() for input until shortly before the next release, then a
 * busy wait for the last spin_ns (yielding to any other runnable task), so
 * a release is not late by a timer's wake-up time. Writes and reads take
 * turns, at most FWD_BATCH of each: a packet's due time counts from when
 * it is read, so a long run of writes would stamp the packets waiting
 * meanwhile late and together, and a clump read now is a clump due later,
 * written in a run that makes the next clump. Payloads stay in a pool of
 * slots indexed by the packet id the engine carries. While the link is cut
 * (--cut-file), every packet read is dropped before the engine sees it;
 * those already on the link still arrive, as after a cable cut at its
 * entrance. */
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

#define FWD_BATCH 8                          /* writes, then reads, a turn */
#define FWD_IDLE_NS (20 * TUB_NSEC_PER_MSEC) /* longest sleep */
/* A long sleep (an idle CPU) wakes late more often, by up to a few hundred
 * us on a virtual machine: end it this much earlier, then sleep briefly
 * again (a CPU just awake wakes fast) and spin the rest. */
#define FWD_LONG_SLEEP_NS (1 * TUB_NSEC_PER_MSEC)
#define FWD_LONG_EARLY_NS (200 * TUB_NSEC_PER_USEC)

int link_tun_open(const char *name, uint32_t mtu, char *err, size_t len)
{
	struct ifreq ifr;
	int fd, s, e;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		snprintf(err, len, "open /dev/net/tun: %s", strerror(e));
		errno = e;
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		snprintf(err, len, "create TUN device %s: %s%s", name,
			 strerror(e), e == EBUSY || e == EINVAL ?
			 " (is a device of that name in use?)" : "");
		close(fd);
		errno = e;
		return -1;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ifr.ifr_mtu = (int)mtu;
	if (s < 0 || ioctl(s, SIOCSIFMTU, &ifr) < 0) {
		e = errno;
		snprintf(err, len, "set MTU %u on %s: %s", (unsigned)mtu,
			 name, strerror(e));
		if (s >= 0)
			close(s);
		close(fd);
		errno = e;
		return -1;
	}
	close(s);
	return fd;
}

int link_dir_init(struct link_dir *d, const char *name,
		  const struct link_conf *c, const struct linkem_conf *em,
		  uint64_t seed, int in_fd, int out_fd, atomic_int *stop,
		  atomic_int *cut)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->conf = c;
	d->in_fd = in_fd;
	d->out_fd = out_fd;
	d->stop = stop;
	d->cut = cut;
	if (linkem_init(&d->em, em, seed) < 0)
		return -1;
	/* One more slot than the engine holds: there is always one to read
	 * into, and when the engine is full it says so (a queue drop). */
	d->nslots = d->em.conf.capacity + 1;
	d->slot_size = (c->mtu + 63u) & ~63u;
	/* Untouched pages cost nothing: the free stack hands out the lowest
	 * slots first, so memory in use follows the packets in flight. */
	d->slots = malloc((size_t)d->nslots * d->slot_size);
	d->refs = calloc(d->nslots, 1);
	d->free_slots = malloc((size_t)d->nslots * sizeof(*d->free_slots));
	d->err_hist = malloc(sizeof(*d->err_hist));
	if (!d->slots || !d->refs || !d->free_slots || !d->err_hist) {
		link_dir_free(d);
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t i = 0; i < d->nslots; i++)
		d->free_slots[i] = d->nslots - 1 - i;
	d->nfree = d->nslots;
	hist_init(d->err_hist);
	pthread_mutex_init(&d->mu, NULL);
	atomic_init(&d->snap_req, 0);
	atomic_init(&d->snap_done, 0);
	return 0;
}

void link_dir_free(struct link_dir *d)
{
	linkem_free(&d->em);
	free(d->slots);
	free(d->refs);
	free(d->free_slots);
	free(d->err_hist);
	d->slots = NULL;
	d->refs = NULL;
	d->free_slots = NULL;
	d->err_hist = NULL;
}

void link_dir_snap(struct link_dir *d, struct link_snap *s)
{
	s->st = d->em.st;
	s->write_errors = d->write_errors;
	s->unmatched = d->unmatched;
	s->dropped_cut = d->dropped_cut;
	s->err_p50_ns = hist_percentile(d->err_hist, 50.0);
	s->err_p99_ns = hist_percentile(d->err_hist, 99.0);
	s->err_max_ns = d->err_hist->count ? d->err_hist->max : 0;
	if (d->stalls)
		s->stalls = *d->stalls;
}

/* The time, for a thread that has been running since it last asked: a
 * long gap since then is a stall. */
static uint64_t fwd_now(struct link_fwd *f)
{
	uint64_t now = clock_now_ns();

	if (f->last && now - f->last >= LINK_STALL_NS) {
		uint64_t gap = now - f->last;

		f->stalls.count++;
		f->stalls.total_ns += gap;
		if (gap > f->stalls.max_ns)
			f->stalls.max_ns = gap;
	}
	f->last = now;
	return now;
}

/* Whether a packet gets the random impairments (--match). */
static int is_matched(const struct link_conf *c, const uint8_t *p, size_t n)
{
	int proto;

	if (n < c->match_min_size)
		return 0;
	if (c->match_proto < 0)
		return 1;
	if (n >= 20 && (p[0] >> 4) == 4)
		proto = p[9];
	else if (n >= 40 && (p[0] >> 4) == 6)
		proto = p[6]; /* the first header only */
	else
		return 0;
	return proto == c->match_proto;
}

/* Write the packets due by now, at most FWD_BATCH; the time each write
 * starts, less its due time, goes into the histogram. How many. */
static int release_due(struct link_fwd *f, struct link_dir *d)
{
	struct linkem_pkt p;
	uint64_t now = fwd_now(f);
	int n = 0;

	while (n < FWD_BATCH && linkem_pop(&d->em, now, &p)) {
		const uint8_t *buf = d->slots + (size_t)p.id * d->slot_size;
		ssize_t w;

		hist_record(d->err_hist, now - p.release_ns);
		do
			w = write(d->out_fd, buf, p.len);
		while (w < 0 && errno == EINTR);
		if (w != (ssize_t)p.len)
			d->write_errors++; /* device down, or no memory */
		if (--d->refs[p.id] == 0)
			d->free_slots[d->nfree++] = (uint32_t)p.id;
		now = fwd_now(f);
		n++;
	}
	return n;
}

/* Read up to FWD_BATCH packets into the engine: how many, or -1 (errno)
 * when the device failed. */
static int read_batch(struct link_fwd *f, struct link_dir *d)
{
	int n = 0;

	while (n < FWD_BATCH) {
		uint32_t slot = d->free_slots[d->nfree - 1];
		uint8_t *buf = d->slots + (size_t)slot * d->slot_size;
		ssize_t r = read(d->in_fd, buf, d->slot_size);
		unsigned flags = 0;
		int v;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0)
			return r == 0 ? n : -1;
		n++;
		if (atomic_load_explicit(d->cut, memory_order_relaxed)) {
			d->dropped_cut++; /* the slot stays free */
			continue;
		}
		if (!is_matched(d->conf, buf, (size_t)r)) {
			flags = LINKEM_EXEMPT;
			d->unmatched++;
		}
		v = linkem_push(&d->em, fwd_now(f), (uint32_t)r, slot,
				flags);
		if (v > 0) {
			d->refs[slot] = (uint8_t)v; /* copies to write */
			d->nfree--;
		}
	}
	return n;
}

/* Sleep until input on any of the n directions, or until spin_ns before
 * the next release of any; return at once when that is closer (the
 * caller's loop is the busy wait). */
static void wait_input(struct link_fwd *f)
{
	struct link_dir *dir = f->dir;
	int n = f->ndir;
	uint64_t next = UINT64_MAX, now = fwd_now(f);
	uint64_t early = dir[0].conf->spin_ns, wait;
	struct pollfd pfd[LINK_DIRS];
	struct timespec ts;

	for (int i = 0; i < n; i++) {
		uint64_t t = linkem_next_release(&dir[i].em);

		if (t < next)
			next = t;
		pfd[i].fd = dir[i].in_fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (next <= now + early) {
		sched_yield(); /* spin, but let a waiting task have the CPU */
		return;
	}
	if (next - now > early + FWD_LONG_SLEEP_NS)
		early += FWD_LONG_EARLY_NS;
	wait = next - now - early;
	if (wait > FWD_IDLE_NS)
		wait = FWD_IDLE_NS;
	ts.tv_sec = (time_t)(wait / TUB_NSEC_PER_SEC);
	ts.tv_nsec = (long)(wait % TUB_NSEC_PER_SEC);
	ppoll(pfd, (nfds_t)n, &ts, NULL);
	f->last = clock_now_ns(); /* asleep by choice: not a stall */
}

/* Copy the numbers out if main asked (SIGUSR1). */
static void maybe_publish(struct link_dir *d)
{
	unsigned req = atomic_load_explicit(&d->snap_req, memory_order_acquire);

	if (req == atomic_load_explicit(&d->snap_done, memory_order_relaxed))
		return;
	pthread_mutex_lock(&d->mu);
	link_dir_snap(d, &d->snap);
	pthread_mutex_unlock(&d->mu);
	atomic_store_explicit(&d->snap_done, req, memory_order_release);
}

void *link_fwd_run(void *arg)
{
	struct link_fwd *f = arg;
	struct link_dir *dir = f->dir;
	int failed = 0;

	clock_tighten_slack();
	for (int i = 0; i < f->ndir; i++)
		dir[i].stalls = &f->stalls; /* before the first snapshot */
	while (!failed &&
	       !atomic_load_explicit(dir[0].stop, memory_order_relaxed)) {
		int busy = 0;

		for (int i = 0; i < f->ndir; i++) {
			struct link_dir *d = &dir[i];
			int w = release_due(f, d), r = read_batch(f, d);

			if (r < 0) {
				d->fatal_errno = errno;
				kill(getpid(), SIGTERM); /* main reports it */
				failed = 1;
				break;
			}
			maybe_publish(d);
			busy |= w | r;
		}
		if (!failed && !busy)
			wait_input(f);
	}
	for (int i = 0; i < f->ndir; i++)
		maybe_publish(&dir[i]);
	return NULL;
}
