// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Counter rows packed by width: the encoding chosen at every width boundary,
 * the exact bytes of each encoding, round trips of rows of every length and
 * mix of values, and the promise never to take more than 4 bytes a value.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctrpack.h"

/* Pack a row in a buffer of exactly its size and the pad (valgrind sees any overrun), unpack it. */
static size_t round_trip(const uint32_t *v, size_t n, enum ctrpack_enc *enc)
{
	size_t len = ctrpack_size(v, n, enc);
	unsigned char *buf = malloc(len + CTRPACK_PAD);
	uint32_t *out = malloc((n ? n : 1) * sizeof(*out));

	assert_non_null(buf);
	assert_non_null(out);
	memset(out, 0xa5, (n ? n : 1) * sizeof(*out));
	ctrpack_encode(v, n, *enc, buf);
	for (size_t i = 0; i < CTRPACK_PAD; i++)
		assert_int_equal(buf[len + i], 0);
	ctrpack_decode(buf, n, *enc, out);
	for (size_t i = 0; i < n; i++)
		if (out[i] != v[i])
			fail_msg("value %zu of %zu: packed %u, unpacked %u (encoding %d)", i, n,
				 v[i], out[i], (int)*enc);
	free(buf);
	free(out);
	return len;
}

/* A row of n equal values takes the fixed width of that value; 0 takes nothing. */
static void test_width_boundaries(void **state)
{
	static const struct {
		uint32_t v;
		enum ctrpack_enc enc;
		size_t width;
	} cases[] = {
		{0, CTRPACK_ZERO, 0},	     {1, CTRPACK_U8, 1},	   {255, CTRPACK_U8, 1},
		{256, CTRPACK_U16, 2},	     {65535, CTRPACK_U16, 2},	   {65536, CTRPACK_U32, 4},
		{0xffffffu, CTRPACK_U32, 4}, {UINT32_MAX, CTRPACK_U32, 4},
	};
	uint32_t v[9];
	enum ctrpack_enc enc;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (size_t i = 0; i < 9; i++)
			v[i] = cases[c].v;
		assert_int_equal(round_trip(v, 9, &enc), 9 * cases[c].width);
		assert_int_equal(enc, cases[c].enc);
	}
}

/* The exact bytes: little-endian, tags four a byte from the low bits, then the values. */
static void test_exact_bytes(void **state)
{
	const uint32_t u16[2] = {0x1234, 0x00ff};
	const uint32_t tagged[5] = {0, 0x12, 0x3456, 0x789abcde, 7};
	const unsigned char want_u16[] = {0x34, 0x12, 0xff, 0x00};
	/* tags 0,1,2,3 | 1 -> 0xe4, 0x01; then 12 | 56 34 | de bc 9a 78 | 07 */
	const unsigned char want_tagged[] = {0xe4, 0x01, 0x12, 0x56, 0x34,
					     0xde, 0xbc, 0x9a, 0x78, 0x07};
	unsigned char buf[32];
	enum ctrpack_enc enc;

	assert_int_equal(ctrpack_size(u16, 2, &enc), sizeof(want_u16));
	assert_int_equal(enc, CTRPACK_U16);
	ctrpack_encode(u16, 2, enc, buf);
	assert_memory_equal(buf, want_u16, sizeof(want_u16));
	assert_int_equal(ctrpack_size(tagged, 5, &enc), sizeof(want_tagged));
	assert_int_equal(enc, CTRPACK_TAGGED);
	ctrpack_encode(tagged, 5, enc, buf);
	assert_memory_equal(buf, want_tagged, sizeof(want_tagged));
}

/* Mostly zeros with one large value: tags win over the fixed width of the largest. */
static void test_sparse_row_is_tagged(void **state)
{
	uint32_t v[1020] = {0};
	enum ctrpack_enc enc;

	v[17] = 300;
	v[1000] = UINT32_MAX;
	assert_int_equal(round_trip(v, 1020, &enc), 255 + 2 + 4);
	assert_int_equal(enc, CTRPACK_TAGGED);
	/* a tie goes to the fixed width: 1 tag byte + 2 = 2 x U8 */
	v[0] = 0;
	v[1] = 200;
	assert_int_equal(round_trip(v, 2, &enc), 2);
	assert_int_equal(enc, CTRPACK_U8);
}

/* One value of a class: 0, one byte, two, or four, each with its boundaries. */
static uint32_t class_value(unsigned int r)
{
	static const uint32_t edges[] = {0, 1, 255, 256, 65535, 65536, 0x7fffffffu, UINT32_MAX};

	switch (r % 5) {
	case 0:
		return 0;
	case 1:
		return edges[(r >> 3) % 8];
	case 2:
		return (r >> 3) % 256;
	case 3:
		return (r >> 3) % 65536;
	}
	return r * 2654435761u;
}

/*
 * Rows of every length from 0 to 70 and of a few mixes round-trip, and
 * never take more than 4 bytes a value nor more than the other encodings.
 */
static void test_round_trips(void **state)
{
	/* all zero, up to one byte, two, four, and the classes as they come (twice) */
	static const uint32_t masks[] = {0, 0xff, 0xffff, UINT32_MAX, UINT32_MAX, UINT32_MAX};
	uint32_t v[70];
	unsigned int seed = 12345;
	enum ctrpack_enc enc;

	for (size_t n = 0; n <= 70; n++)
		for (int mix = 0; mix < 6; mix++) {
			size_t len, fixed, tags = (n + 3) / 4, bytes = 0;
			uint32_t max = 0;

			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				v[i] = class_value(seed >> 4) & masks[mix];
				max |= v[i];
				bytes += v[i] == 0 ? 0 : v[i] < 256 ? 1 : v[i] < 65536 ? 2 : 4;
			}
			len = round_trip(v, n, &enc);
			assert_true(len <= 4 * n);
			fixed = n * (max == 0 ? 0 : max < 256 ? 1 : max < 65536 ? 2 : 4);
			assert_int_equal(len, tags + bytes < fixed ? tags + bytes : fixed);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_boundaries),
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_sparse_row_is_tagged),
		cmocka_unit_test(test_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
