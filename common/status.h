/* How a test ended: one word per way, the same words in the CSV's status
 * column, the summary and the receiver's log. Control flow compares the
 * enum; only the edges (rows, logs) print the word. */
#ifndef TUB_STATUS_H
#define TUB_STATUS_H

enum tub_status {
	ST_OK,             /* the test ran to its end */
	ST_CONNECT_FAILED, /* the control or data connection did not open */
	ST_REFUSED,        /* the receiver said no (ERROR), or a limit */
	ST_TIMEOUT,        /* a peer went silent past a limit */
	ST_PEER_CLOSED,    /* the peer closed or reset in the middle */
	ST_PROTOCOL_ERROR, /* a frame or report that makes no sense */
	ST_DATA_ERROR,     /* a send or receive failed on the data socket */
	ST_SOCKET_ERROR,   /* socket(), bind(), listen() */
	ST_NO_MEMORY,
	ST_INTERRUPTED,    /* a signal stopped the test; what was measured
			      is in the row */
	ST_HOOK_FAILED,    /* keepalive: the --on-idle command failed */
	ST_NO_DATA,        /* UDP, RUDP: not one datagram of the flow
			      arrived (a firewall on the path?) */
	ST_INTERNAL,       /* a bug of ours */
	ST_COUNT
};

/* The word of a status ("ok", "peer_closed"); "?" if out of range. */
const char *status_name(enum tub_status st);

/* The status of a word; 0, or -1 if it is none. */
int status_parse(const char *s, enum tub_status *st);

#endif
