/* The workloads of each kind, one row a kind: where the data paths meet
 * common/kind.c's table. A slot is filled exactly where that table says
 * the kind runs (test_kinds checks it). */
#include "kinds.h"

#include "kind.h"

/* clang-format off */
static const struct kind_work table[TUB_KIND_COUNT] = {
	[TUB_KIND_STREAM] = {
		{tcp_stream_send, udp_stream_send, rudp_stream_send},
		{tcp_stream_recv, udp_stream_recv, rudp_stream_recv}},
	[TUB_KIND_RR] = {
		{rr_client, rr_client, rr_client},
		{rr_server, rr_server, rr_server}},
	[TUB_KIND_CONNECT] = {
		{connect_client, connect_client, connect_client},
		{rr_server, rr_server, rr_server}},
	[TUB_KIND_FILL] = {
		{[TUB_PROTO_TCP] = tcp_fill_client, [TUB_PROTO_UDP] = udp_fill_client},
		{[TUB_PROTO_TCP] = tcp_fill_server, [TUB_PROTO_UDP] = udp_fill_server}},
	[TUB_KIND_KEEPALIVE] = {
		{[TUB_PROTO_TCP] = tcp_keepalive_client},
		{[TUB_PROTO_TCP] = tcp_keepalive_server}},
	[TUB_KIND_LINGER] = {
		{[TUB_PROTO_TCP] = tcp_linger_client},
		{[TUB_PROTO_TCP] = tcp_linger_server}},
};
/* clang-format on */

const struct kind_work *kind_work(int k)
{
	return k >= 0 && k < TUB_KIND_COUNT ? &table[k] : NULL;
}
