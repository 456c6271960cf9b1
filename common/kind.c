#include "kind.h"

#include <string.h>

/* clang-format off */
static const struct kind_info table[TUB_KIND_COUNT] = {
	[TUB_KIND_STREAM] = {
		"stream", "one-way data, unpaced or at -b: throughput, loss, "
		"order, delay",
		"messages", "per message (UDP: per datagram)",
		{[TUB_PROTO_TCP] = 128 * 1024, [TUB_PROTO_UDP] = 1400,
		 [TUB_PROTO_RUDP] = 1400}, 0, KIND_FLOW | KIND_REVERSIBLE},
	[TUB_KIND_RR] = {
		"rr", "request, reply, next request: round-trip time", "round trips", "per request and reply",
		{[TUB_PROTO_TCP] = 64, [TUB_PROTO_UDP] = 64,
		 [TUB_PROTO_RUDP] = 64}, 0, KIND_ROUND_TRIPS | KIND_REVERSIBLE},
	[TUB_KIND_CONNECT] = {
		"connect", "rr on a fresh connection each time: what one "
		"costs", "connections", "per request and reply",
		{[TUB_PROTO_TCP] = 64, [TUB_PROTO_UDP] = 64,
		 [TUB_PROTO_RUDP] = 64}, 0, KIND_ROUND_TRIPS | KIND_PER_OP},
	[TUB_KIND_FILL] = {
		"fill", "send while nobody reads: what the buffers hold", "datagrams (UDP)", "per send",
		{[TUB_PROTO_TCP] = 16 * 1024, [TUB_PROTO_UDP] = 1400}, 0,
		KIND_DONE_EARLY},
	[TUB_KIND_KEEPALIVE] = {
		"keepalive", "idle, the path cut (--on-idle): how long until "
		"the socket says so",
		"(nothing)", "(unused)", {[TUB_PROTO_TCP] = 64}, 0,
		KIND_NO_RESULT},
	[TUB_KIND_LINGER] = {
		"linger", "close() with data in flight to a slow reader "
		"(SO_LINGER)", "messages", "per message",
		{[TUB_PROTO_TCP] = 64 * 1024}, 32, 0},
};
/* clang-format on */

const struct kind_info *kind_info(int k)
{
	return k >= 0 && k < TUB_KIND_COUNT ? &table[k] : NULL;
}

int kind_runs_on(int k, int proto, int dir)
{
	const struct kind_info *i = kind_info(k);

	return i && proto >= 0 && proto < TUB_PROTO_COUNT &&
	       i->size[proto] != 0 &&
	       (dir == TUB_DIR_FORWARD ||
		((dir == TUB_DIR_REVERSE || dir == TUB_DIR_BIDIR) &&
		 (i->flags & KIND_REVERSIBLE)));
}

int kind_has(int k, uint32_t f)
{
	const struct kind_info *i = kind_info(k);

	return i && (i->flags & f) == f;
}

const char *kind_protos(int k, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int p = 0; p < TUB_PROTO_COUNT; p++)
		if (kind_runs_on(k, p, TUB_DIR_FORWARD) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? ", " : "",
					       spec_proto_name(p));
	return buf;
}

const char *kind_names(char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int k = 0; k < TUB_KIND_COUNT && at < len; k++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       k ? ", " : "", table[k].name);
	return buf;
}

void kind_list(FILE *f)
{
	for (int k = 0; k < TUB_KIND_COUNT; k++) {
		fputs(table[k].name, f);
		for (int p = 0; p < TUB_PROTO_COUNT; p++)
			if (table[k].size[p])
				fprintf(f, " %s=%u", spec_proto_name(p),
					table[k].size[p]);
		fputc('\n', f);
	}
}
