/* Big-endian integers in byte buffers (memcpy + htobe*, never a cast of
 * the buffer): the one copy that the control frames (wire.c) and the
 * reliable-UDP header (rudp_wire.c) share. */
#ifndef TUB_BYTES_H
#define TUB_BYTES_H

#include <endian.h>
#include <stdint.h>
#include <string.h>

/* Write v at p, big-endian. */
static inline void bytes_put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof v);
}

static inline void bytes_put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof v);
}

static inline void bytes_put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof v);
}

/* Read a big-endian integer at p. */
static inline uint16_t bytes_get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return be16toh(v);
}

static inline uint32_t bytes_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return be32toh(v);
}

static inline uint64_t bytes_get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return be64toh(v);
}

#endif
