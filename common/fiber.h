/* Fibers: several flows' loops on one thread (--threads T below -P N).
 *
 * A workload is a plain blocking loop. On a thread of its own it stays
 * one; on a thread shared with other flows it runs as a fiber, and each
 * place it would block (a send or receive that would wait, a poll, a
 * sleep) goes through the calls here instead, which switch to the next
 * fiber while this one waits. A fiber that never waits gives the thread
 * up after FIBER_SLICE_NS of running (fiber_tick). Outside fiber_run the
 * calls are the system's own, with nothing added but a thread-local load.
 *
 * The blocking calls keep their meaning: a call without MSG_DONTWAIT
 * waits for its socket as long as the socket's SO_RCVTIMEO (receiving) or
 * SO_SNDTIMEO (sending) allows, then fails with EAGAIN; a signal makes no
 * EINTR (the loops look at their stop flag at the next turn).
 *
 * The kinds that run on flows (stream; rr under --bidir) wait only
 * through these: their loops in tcp.c, udp.c and rudp_io.c, run_wait and
 * sock_wait_readable. The kinds that never do (fill, slow reader,
 * keepalive, linger, connect) call the system as they are; one that gains
 * flows must use these first. */
#ifndef TUB_FIBER_H
#define TUB_FIBER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* A fiber that neither waits nor finishes lets the others run after
 * this much of its own time. */
#define FIBER_SLICE_NS (1000u * 1000u)

struct fiber_task {
	void (*fn)(void *arg);
	void *arg;
};

/* Run the n tasks as fibers on the calling thread until all have
 * returned; one stack of stack_len bytes (rounded to pages, and a guard
 * page below) each. 0, or -1 (errno: out of memory; no task ran). n == 1
 * calls the task directly. */
int fiber_run(const struct fiber_task *t, int n, size_t stack_len);

/* This thread runs fibers, and one of them is calling. */
int fiber_active(void);

/* poll(2) with an absolute CLOCK_MONOTONIC deadline (UINT64_MAX: none):
 * the number of entries with revents, 0 at the deadline, -1 on an error
 * (errno; EINTR on a thread of its own). */
int fiber_poll(struct pollfd *p, nfds_t n, uint64_t until_ns);

/* Sleep until the deadline (clock_sleep_until's meaning). */
int fiber_sleep_until(uint64_t until_ns);

/* A fiber that has run FIBER_SLICE_NS since it last waited lets the
 * others run; elsewhere nothing. now: CLOCK_MONOTONIC. */
void fiber_tick(uint64_t now);

/* The calling fiber's own CPU time so far (the thread's while it ran):
 * 0, or -1 when no fiber calls. */
int fiber_cpu(uint64_t *total_ns, uint64_t *user_ns);

/* The socket calls, as blocking calls mean them (above). */
ssize_t fiber_send(int fd, const void *buf, size_t len, int flags);
ssize_t fiber_recv(int fd, void *buf, size_t len, int flags);
ssize_t fiber_sendto(int fd, const void *buf, size_t len, int flags,
		     const struct sockaddr *to, socklen_t tolen);
ssize_t fiber_recvfrom(int fd, void *buf, size_t len, int flags,
		       struct sockaddr *from, socklen_t *fromlen);
int fiber_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags);

#endif
