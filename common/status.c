#include "status.h"

#include <string.h>

static const char *const names[ST_COUNT] = {
	[ST_OK] = "ok",
	[ST_CONNECT_FAILED] = "connect_failed",
	[ST_REFUSED] = "refused",
	[ST_TIMEOUT] = "timeout",
	[ST_PEER_CLOSED] = "peer_closed",
	[ST_PROTOCOL_ERROR] = "protocol_error",
	[ST_DATA_ERROR] = "data_error",
	[ST_SOCKET_ERROR] = "socket_error",
	[ST_NO_MEMORY] = "no_memory",
	[ST_INTERRUPTED] = "interrupted",
	[ST_HOOK_FAILED] = "hook_failed",
	[ST_NO_DATA] = "no_data",
	[ST_INTERNAL] = "internal",
};

const char *status_name(enum tub_status st)
{
	return (unsigned)st < ST_COUNT ? names[st] : "?";
}

int status_parse(const char *s, enum tub_status *st)
{
	for (int i = 0; i < ST_COUNT; i++) {
		if (strcmp(names[i], s) == 0) {
			*st = (enum tub_status)i;
			return 0;
		}
	}
	return -1;
}
