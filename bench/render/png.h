/* PNG files gnuplot wrote: their size, for <img width height>. */
#ifndef WCBENCH_RENDER_PNG_H
#define WCBENCH_RENDER_PNG_H

/* Width and height of a PNG from its IHDR chunk. 0, -errno when unreadable, -EINVAL when it
 * is not a PNG. */
int png_size(const char *path, unsigned *w, unsigned *h);
#endif
