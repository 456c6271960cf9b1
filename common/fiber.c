#include "fiber.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "clock.h"

/* AddressSanitizer must be told of each switch of stacks, or it takes the
 * other stack for an overflow of this one. */
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifdef FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

enum fiber_state { FIBER_READY, FIBER_WAITING, FIBER_DONE };

struct fiber {
	ucontext_t uc;
	const struct fiber_task *task;
	void *map;              /* the stack, its guard page lowest */
	size_t map_len, page;
	enum fiber_state state;
	struct pollfd *p;       /* waiting: on these (none for a sleep) */
	nfds_t n;
	uint64_t until;         /* ... until then */
	int got;                /* entries with revents when woken */
	uint64_t ran_from;      /* CLOCK_MONOTONIC when last resumed */
	uint64_t cpu0, user0;   /* the thread's CPU then */
	uint64_t cpu, user;     /* its own CPU before that */
	void *fake;             /* ASan: its fake stack while away */
};

struct sched {
	ucontext_t uc;
	struct fiber *f;
	int n;
	struct fiber *cur;      /* running; NULL in the loop */
	struct pollfd *all;     /* the waiting fibers' entries, in turn */
	size_t cap;
	const void *bottom;     /* ASan: the thread's own stack */
	size_t size;
};

static __thread struct sched *self;

/* The thread's CPU so far: the total from its CPU clock, exact to the
 * nanosecond (getrusage's sum lags by up to a scheduler tick: a fiber
 * that ran 0.3 ms between two readings could show none), and the user
 * part from getrusage. */
static void thread_cpu(uint64_t *total, uint64_t *user)
{
	struct timespec ts = {0};
	struct rusage ru = {0};

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	getrusage(RUSAGE_THREAD, &ru);
	*total = (uint64_t)ts.tv_sec * TUB_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	*user = (uint64_t)ru.ru_utime.tv_sec * TUB_NSEC_PER_SEC +
		(uint64_t)ru.ru_utime.tv_usec * TUB_NSEC_PER_USEC;
}

/* ppoll's timeout for an absolute deadline: into ts, or NULL for none
 * (UINT64_MAX); zero when it has passed. */
static struct timespec *timeout_until(uint64_t until, uint64_t now,
				      struct timespec *ts)
{
	uint64_t d = until > now ? until - now : 0;

	if (until == UINT64_MAX)
		return NULL;
	ts->tv_sec = (time_t)(d / TUB_NSEC_PER_SEC);
	ts->tv_nsec = (long)(d % TUB_NSEC_PER_SEC);
	return ts;
}

/* From the loop into fiber f, until it waits, yields or ends. */
static void enter(struct sched *s, struct fiber *f)
{
	s->cur = f;
	f->ran_from = clock_now_ns();
	thread_cpu(&f->cpu0, &f->user0);
#ifdef FIBER_ASAN
	void *fake = NULL;
	__sanitizer_start_switch_fiber(&fake, (char *)f->map + f->page,
				       f->map_len - f->page);
#endif
	swapcontext(&s->uc, &f->uc);
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
	s->cur = NULL;
}

/* From fiber f back to the loop; returns when the loop resumes it (never
 * once it is done). */
static void leave(struct sched *s, struct fiber *f)
{
	uint64_t cpu, user;

	thread_cpu(&cpu, &user);
	f->cpu += cpu > f->cpu0 ? cpu - f->cpu0 : 0;
	f->user += user > f->user0 ? user - f->user0 : 0;
#ifdef FIBER_ASAN
	__sanitizer_start_switch_fiber(f->state == FIBER_DONE ? NULL : &f->fake,
				       s->bottom, s->size);
#endif
	swapcontext(&f->uc, &s->uc);
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(f->fake, &s->bottom, &s->size);
#endif
}

static void entry(void)
{
	struct sched *s = self;
	struct fiber *f = s->cur;

#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(NULL, &s->bottom, &s->size);
#endif
	f->task->fn(f->task->arg);
	f->state = FIBER_DONE;
	leave(s, f);
}

/* The calling fiber waits on p[0..n-1] until the deadline (none and 0: it
 * only lets the others run): the entries with revents. */
static int park(struct sched *s, struct pollfd *p, nfds_t n, uint64_t until)
{
	struct fiber *f = s->cur;

	f->p = p;
	f->n = n;
	f->until = until;
	f->got = 0;
	f->state = n == 0 && until == 0 ? FIBER_READY : FIBER_WAITING;
	leave(s, f);
	return f->got;
}

static int make(struct fiber *f, const struct fiber_task *t, size_t stack)
{
	long pg = sysconf(_SC_PAGESIZE);

	f->page = pg > 0 ? (size_t)pg : 4096;
	f->map_len = (stack + f->page - 1) / f->page * f->page + f->page;
	f->map = mmap(NULL, f->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		      -1, 0);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return -1;
	}
	if (mprotect(f->map, f->page, PROT_NONE) < 0 || getcontext(&f->uc) < 0)
		return -1;
	f->uc.uc_stack.ss_sp = (char *)f->map + f->page;
	f->uc.uc_stack.ss_size = f->map_len - f->page;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, entry, 0);
	f->task = t;
	f->state = FIBER_READY;
	return 0;
}

static void unmake(struct fiber *f)
{
	if (f->map)
		munmap(f->map, f->map_len);
	f->map = NULL;
}

/* The waiting fibers' entries, in fiber order, into s->all: how many, and
 * the soonest deadline; -1 when out of memory. */
static long gather(struct sched *s, uint64_t *soonest, int *ready)
{
	size_t k = 0;

	*soonest = UINT64_MAX;
	*ready = 0;
	for (int i = 0; i < s->n; i++) {
		struct fiber *f = &s->f[i];
		*ready |= f->state == FIBER_READY;
		if (f->state != FIBER_WAITING)
			continue;
		if (f->until < *soonest)
			*soonest = f->until;
		if (f->n == 0)
			continue; /* a sleep */
		if (k + f->n > s->cap) {
			size_t cap = (k + f->n) * 2;
			struct pollfd *a = realloc(s->all, cap * sizeof *a);
			if (a == NULL)
				return -1;
			s->all = a;
			s->cap = cap;
		}
		memcpy(s->all + k, f->p, f->n * sizeof *f->p);
		k += f->n;
	}
	return (long)k;
}

/* Wait for the first waiting fiber to be due (at once when one is
 * ready), and mark those that are. */
static int wake(struct sched *s)
{
	uint64_t soonest, now = clock_now_ns();
	int ready;
	long k = gather(s, &soonest, &ready);

	if (k < 0)
		return -1;
	struct timespec ts;
	struct timespec *tp = timeout_until(ready ? now : soonest, now, &ts);
	for (long j = 0; j < k; j++)
		s->all[j].revents = 0;
	ppoll(s->all, (nfds_t)k, tp, NULL); /* EINTR: no revents; look again */
	now = clock_now_ns();
	k = 0;
	for (int i = 0; i < s->n; i++) {
		struct fiber *f = &s->f[i];
		if (f->state != FIBER_WAITING)
			continue;
		for (nfds_t j = 0; j < f->n; j++, k++) {
			f->p[j].revents = s->all[k].revents;
			f->got += s->all[k].revents != 0;
		}
		if (f->got > 0 || now >= f->until)
			f->state = FIBER_READY;
	}
	return 0;
}

int fiber_run(const struct fiber_task *t, int n, size_t stack_len)
{
	struct sched s = {.n = n};
	int alive = n;

	if (n == 1) {
		t->fn(t->arg);
		return 0;
	}
	if ((s.f = calloc((size_t)n, sizeof *s.f)) == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		if (make(&s.f[i], &t[i], stack_len) < 0) {
			for (int j = 0; j <= i; j++)
				unmake(&s.f[j]);
			free(s.f);
			errno = ENOMEM;
			return -1;
		}
	self = &s;
	while (alive > 0) {
		for (int i = 0; i < n; i++) {
			struct fiber *f = &s.f[i];
			if (f->state != FIBER_READY)
				continue;
			enter(&s, f);
			if (f->state == FIBER_DONE) {
				unmake(f);
				alive--;
			}
		}
		if (alive > 0 && wake(&s) < 0) {
			/* No memory to gather the waits: let every waiting
			 * fiber look again, as after a deadline, rather than
			 * stop them midway. */
			for (int i = 0; i < n; i++)
				if (s.f[i].state == FIBER_WAITING)
					s.f[i].state = FIBER_READY;
		}
	}
	self = NULL;
	free(s.all);
	free(s.f);
	return 0;
}

int fiber_active(void)
{
	return self != NULL && self->cur != NULL;
}

int fiber_poll(struct pollfd *p, nfds_t n, uint64_t until_ns)
{
	uint64_t now = clock_now_ns();

	if (!fiber_active() || until_ns <= now) {
		struct timespec ts;
		return ppoll(p, n, timeout_until(until_ns, now, &ts), NULL);
	}
	for (nfds_t j = 0; j < n; j++)
		p[j].revents = 0;
	return park(self, p, n, until_ns);
}

int fiber_sleep_until(uint64_t until_ns)
{
	if (!fiber_active())
		return clock_sleep_until(until_ns);
	if (until_ns > clock_now_ns())
		park(self, NULL, 0, until_ns);
	return 0;
}

void fiber_tick(uint64_t now)
{
	if (fiber_active() && now - self->cur->ran_from >= FIBER_SLICE_NS)
		park(self, NULL, 0, 0);
}

int fiber_cpu(uint64_t *total_ns, uint64_t *user_ns)
{
	uint64_t cpu, user;

	if (!fiber_active())
		return -1;
	struct fiber *f = self->cur;
	thread_cpu(&cpu, &user);
	*total_ns = f->cpu + (cpu > f->cpu0 ? cpu - f->cpu0 : 0);
	*user_ns = f->user + (user > f->user0 ? user - f->user0 : 0);
	return 0;
}

/* A blocking call found its socket not ready: wait as the socket's own
 * timeout allows (from the first time, *until; 0 on the first). 1: look
 * again; 0: the time is up, or the socket never blocks (errno EAGAIN). */
static int wait_sock(int fd, int out, uint64_t *until)
{
	if (*until == 0) {
		struct timeval tv = {0};
		socklen_t len = sizeof tv;
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK)) {
			errno = EAGAIN;
			return 0;
		}
		if (getsockopt(fd, SOL_SOCKET, out ? SO_SNDTIMEO : SO_RCVTIMEO,
			       &tv, &len) < 0)
			tv.tv_sec = tv.tv_usec = 0;
		uint64_t t = (uint64_t)tv.tv_sec * TUB_NSEC_PER_SEC +
			     (uint64_t)tv.tv_usec * TUB_NSEC_PER_USEC;
		*until = t ? clock_now_ns() + t : UINT64_MAX;
	}
	struct pollfd p = {.fd = fd, .events = out ? POLLOUT : POLLIN};
	if (park(self, &p, 1, *until) > 0 || clock_now_ns() < *until)
		return 1;
	errno = EAGAIN;
	return 0;
}

/* A fiber's call that may wait; the others' are the system's as they are. */
static int waits(int flags)
{
	return fiber_active() && !(flags & MSG_DONTWAIT);
}

/* After such a call, tried without waiting: 1 to try again (the socket is
 * ready now), 0 to return r as it is. */
static int retry(ssize_t r, int fd, int out, uint64_t *until)
{
	if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		return 0;
	return wait_sock(fd, out, until);
}

ssize_t fiber_send(int fd, const void *buf, size_t len, int flags)
{
	return fiber_sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t fiber_recv(int fd, void *buf, size_t len, int flags)
{
	return fiber_recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t fiber_sendto(int fd, const void *buf, size_t len, int flags,
		     const struct sockaddr *to, socklen_t tolen)
{
	uint64_t until = 0;
	ssize_t r;

	if (!waits(flags))
		return sendto(fd, buf, len, flags, to, tolen);
	do
		r = sendto(fd, buf, len, flags | MSG_DONTWAIT, to, tolen);
	while (retry(r, fd, 1, &until));
	return r;
}

ssize_t fiber_recvfrom(int fd, void *buf, size_t len, int flags,
		       struct sockaddr *from, socklen_t *fromlen)
{
	uint64_t until = 0;
	ssize_t r;

	if (!waits(flags))
		return recvfrom(fd, buf, len, flags, from, fromlen);
	do
		r = recvfrom(fd, buf, len, flags | MSG_DONTWAIT, from, fromlen);
	while (retry(r, fd, 0, &until));
	return r;
}

int fiber_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	uint64_t until = 0;
	int r;

	if (!waits(flags))
		return sendmmsg(fd, m, n, flags);
	do
		r = sendmmsg(fd, m, n, flags | MSG_DONTWAIT);
	while (retry(r, fd, 1, &until));
	return r;
}
