// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "buf.h"

/* Grow geometrically so that a file which slowly grows costs O(log n) reallocations. */
int tl_buf_reserve(struct tl_buf *b, size_t want)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (want + 1 <= b->cap)
		return 0;
	while (cap < want + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	b->grows++;
	return 0;
}

void tl_buf_free(struct tl_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int tl_grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t *allocs)
{
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	(*allocs)++;
	return 0;
}
