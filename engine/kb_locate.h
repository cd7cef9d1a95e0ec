/* SPDX-License-Identifier: MIT */
/* Finds where a value sits in JSON text, so knowledge-base errors can name a
 * line and column (jansson keeps no positions for parsed values). Private to
 * the kb_ module. */
#ifndef KB_LOCATE_H
#define KB_LOCATE_H

#include <stddef.h>

/* Path syntax: "intents[3].patterns[1].re". Writes the 1-based line and
 * column of the deepest part of the path that exists; returns how many path
 * segments were found (0: only the document itself). */
int kb__locate(const char *text, size_t len, const char *path, int *line, int *column);

#endif
