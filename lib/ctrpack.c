// SPDX-License-Identifier: GPL-2.0-or-later
/* Counter rows packed by width; see ctrpack.h. */
#include "config.h"

#include <string.h>

#include "ctrpack.h"

/* Bytes of a value for each tag of the TAGGED encoding, and what a 4-byte load keeps. */
static const unsigned char tag_len[4] = {0, 1, 2, 4};
static const uint32_t tag_mask[4] = {0, 0xffu, 0xffffu, 0xffffffffu};

/* Little-endian loads and stores, so that the format does not depend on the host. */
static uint32_t load32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

size_t ctrpack_choose(const struct ctrpack_tally *t, size_t n, enum ctrpack_enc *enc)
{
	size_t tagged = (n + 3) / 4 + t->tagged, fixed;
	uint32_t max = t->max_or;

	*enc = max == 0		? CTRPACK_ZERO
	       : max < 0x100u	? CTRPACK_U8
	       : max < 0x10000u ? CTRPACK_U16
				: CTRPACK_U32;
	fixed = n * tag_len[*enc]; /* the fixed encodings' widths are the tags' lengths */
	if (tagged < fixed) {
		*enc = CTRPACK_TAGGED;
		return tagged;
	}
	return fixed;
}

size_t ctrpack_size(const uint32_t *v, size_t n, enum ctrpack_enc *enc)
{
	struct ctrpack_tally t = {0, 0};

	for (size_t i = 0; i < n; i++)
		ctrpack_tally_add(&t, v[i]);
	return ctrpack_choose(&t, n, enc);
}

/* The TAGGED encoding: tags, four a byte from the low bits, then each value's bytes. */
static size_t encode_tagged(const uint32_t *v, size_t n, unsigned char *dst)
{
	unsigned char *tags = dst, *p = dst + (n + 3) / 4;

	for (size_t i = 0; i < n; i += 4) {
		unsigned int byte = 0;

		for (size_t k = 0; k < 4 && i + k < n; k++) {
			unsigned int t = ctrpack_tag(v[i + k]);

			byte |= t << (2 * k);
			/* all 4 bytes: those past the value's are overwritten next, or are pad */
			store32(p, v[i + k]);
			p += tag_len[t];
		}
		tags[i / 4] = (unsigned char)byte;
	}
	return (size_t)(p - dst);
}

void ctrpack_encode(const uint32_t *v, size_t n, enum ctrpack_enc enc, unsigned char *dst)
{
	size_t len = 0;

	switch (enc) {
	case CTRPACK_ZERO:
		break;
	case CTRPACK_U8:
		for (size_t i = 0; i < n; i++)
			dst[i] = (unsigned char)v[i];
		len = n;
		break;
	case CTRPACK_U16:
		for (size_t i = 0; i < n; i++) {
			dst[2 * i] = (unsigned char)v[i];
			dst[2 * i + 1] = (unsigned char)(v[i] >> 8);
		}
		len = 2 * n;
		break;
	case CTRPACK_U32:
		for (size_t i = 0; i < n; i++)
			store32(dst + 4 * i, v[i]);
		len = 4 * n;
		break;
	case CTRPACK_TAGGED:
		len = encode_tagged(v, n, dst);
		break;
	}
	memset(dst + len, 0, CTRPACK_PAD);
}

/* Unpack the TAGGED encoding: one 4-byte load a value, masked to its length. */
static void decode_tagged(const unsigned char *src, size_t n, uint32_t *v)
{
	const unsigned char *p = src + (n + 3) / 4;

	for (size_t i = 0; i < n; i++) {
		unsigned int t = (src[i / 4] >> (2 * (i % 4))) & 3;

		v[i] = load32(p) & tag_mask[t];
		p += tag_len[t];
	}
}

void ctrpack_decode(const unsigned char *src, size_t n, enum ctrpack_enc enc, uint32_t *v)
{
	switch (enc) {
	case CTRPACK_ZERO:
		memset(v, 0, n * sizeof(*v));
		break;
	case CTRPACK_U8:
		for (size_t i = 0; i < n; i++)
			v[i] = src[i];
		break;
	case CTRPACK_U16:
		for (size_t i = 0; i < n; i++)
			v[i] = (uint32_t)src[2 * i] | (uint32_t)src[2 * i + 1] << 8;
		break;
	case CTRPACK_U32:
		for (size_t i = 0; i < n; i++)
			v[i] = load32(src + 4 * i);
		break;
	case CTRPACK_TAGGED:
		decode_tagged(src, n, v);
		break;
	}
}
