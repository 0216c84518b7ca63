/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal for full-screen views: raw input (so 'q' arrives without
 * Enter), the alternate screen, a hidden cursor, and the window size. The
 * saved state is a value owned by the caller; term_leave() puts everything
 * back, and is safe to call twice.
 */
#ifndef TLBISO_TERM_H
#define TLBISO_TERM_H

#include <stdbool.h>
#include <termios.h>

struct term {
	int in, out;
	bool active;
	struct termios saved;
};

/* Enter raw mode and the alternate screen; -ENOTTY when in or out is not a terminal. */
int term_enter(struct term *t, int in, int out);
void term_leave(struct term *t);

/* Columns and lines of the terminal (80x24 when unknown). */
void term_size(const struct term *t, int *cols, int *lines);

#endif
