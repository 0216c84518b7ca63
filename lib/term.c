// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw mode, alternate screen and window size for full-screen views. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "path.h"
#include "term.h"

int term_enter(struct term *t, int in, int out)
{
	static const char enter[] = "\033[?1049h\033[?25l\033[H\033[2J";
	struct termios raw;

	memset(t, 0, sizeof(*t));
	if (!isatty(in) || !isatty(out) || tcgetattr(in, &t->saved) < 0)
		return -ENOTTY;
	raw = t->saved;
	/* No echo, no line buffering; keep ISIG so Ctrl-C still sends SIGINT. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSAFLUSH, &raw) < 0)
		return -errno;
	t->in = in;
	t->out = out;
	t->active = true;
	return tl_write_all(out, enter, sizeof(enter) - 1);
}

void term_leave(struct term *t)
{
	static const char leave[] = "\033[?25h\033[?1049l";

	if (!t->active)
		return;
	tl_write_all(t->out, leave, sizeof(leave) - 1);
	tcsetattr(t->in, TCSAFLUSH, &t->saved);
	t->active = false;
}

void term_size(const struct term *t, int *cols, int *lines)
{
	struct winsize ws;

	*cols = 80;
	*lines = 24;
	if (ioctl(t->out, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		*cols = ws.ws_col;
		*lines = ws.ws_row;
	}
}
