/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rows of 32-bit counters packed for memory: the monitor's baseline keeps,
 * per rated row of /proc/interrupts, the last counter of every watched CPU,
 * and on isolated CPUs most of them are zero or small.
 *
 * A row of n values is stored in one of five encodings, the shortest for
 * its values (a tie goes to the fixed widths, simpler to read):
 *   ZERO    every value is 0: no bytes;
 *   U8/U16/U32  every value in 1, 2 or 4 bytes (the width of the largest);
 *   TAGGED  a 2-bit tag per value (0, 1, 2 or 4 bytes follow), four tags a
 *           byte, all the tags first, then the values' bytes.
 * Never more than 4 bytes a value: U32 always fits, and TAGGED is chosen only
 * when it is shorter. Values are little-endian whatever the host.
 *
 * Decoding reads up to CTRPACK_PAD bytes past the end of the packed row: a
 * buffer holding one must have them (ctrpack_encode writes them as zeros).
 */
#ifndef TLBISO_CTRPACK_H
#define TLBISO_CTRPACK_H

#include <stddef.h>
#include <stdint.h>

#define CTRPACK_PAD 4

enum ctrpack_enc {
	CTRPACK_ZERO,
	CTRPACK_U8,
	CTRPACK_U16,
	CTRPACK_U32,
	CTRPACK_TAGGED,
};

/* What choosing an encoding needs of a row's values, summed as they are produced. */
struct ctrpack_tally {
	uint32_t max_or; /* the OR of the values: as wide as the largest */
	size_t tagged;	 /* bytes of their values in the TAGGED encoding (tags not included) */
};

/* The tag of a value: the fewest bytes that hold it. Without branches: counters are random. */
static inline unsigned int ctrpack_tag(uint32_t v)
{
	return (unsigned int)(v != 0) + (unsigned int)(v > 0xffu) + (unsigned int)(v > 0xffffu);
}

/* Count one value of a row; zeros may be left out. */
static inline void ctrpack_tally_add(struct ctrpack_tally *t, uint32_t v)
{
	unsigned int tag = ctrpack_tag(v);

	t->max_or |= v;
	t->tagged += tag + (tag == 3); /* 0, 1, 2 or 4 bytes */
}

/* Bytes needed to pack a row of n values so tallied (CTRPACK_PAD not included), and how. */
size_t ctrpack_choose(const struct ctrpack_tally *t, size_t n, enum ctrpack_enc *enc);

/* Bytes needed to pack v[0..n) (CTRPACK_PAD not included), and the encoding to use. */
size_t ctrpack_size(const uint32_t *v, size_t n, enum ctrpack_enc *enc);

/* Pack v[0..n) with enc into dst, which has ctrpack_size() + CTRPACK_PAD bytes. */
void ctrpack_encode(const uint32_t *v, size_t n, enum ctrpack_enc enc, unsigned char *dst);

/* Unpack n values packed with enc from src (followed by CTRPACK_PAD readable bytes). */
void ctrpack_decode(const unsigned char *src, size_t n, enum ctrpack_enc enc, uint32_t *v);

#endif
