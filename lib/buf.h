/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable byte buffer that is reused between reads, so that the daemon's
 * steady-state sample allocates nothing once the buffer has reached the
 * size of the file it reads.
 */
#ifndef TLBISO_BUF_H
#define TLBISO_BUF_H

#include <stddef.h>

struct tl_buf {
	char *data;  /* NUL-terminated after every successful read */
	size_t len;  /* bytes of content, excluding the terminating NUL */
	size_t cap;  /* bytes allocated */
	size_t grows; /* number of reallocations so far: lets tests and the bench count allocations */
};

/* Ensure room for at least want bytes plus a NUL; returns 0 or -ENOMEM. */
int tl_buf_reserve(struct tl_buf *b, size_t want);
void tl_buf_free(struct tl_buf *b);

/*
 * Grow the array *arr of elem-sized elements to hold need of them, doubling
 * from 16 so that a slowly growing file reallocates rarely; *allocs counts
 * the reallocations. Returns 0 or -ENOMEM (the array is then unchanged).
 */
int tl_grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t *allocs);

#endif
