/* What target_bar.c shows beyond the target ops: the vfio device behind a mapped vfio target. */
#ifndef WCBENCH_TARGETS_BAR_H
#define WCBENCH_TARGETS_BAR_H

#include "targets/target.h"
#include "vfio.h"

/* The open vfio device of a vfio: target after a successful map; NULL for any other target, or
 * before map / after unmap. Valid until unmap. */
struct vfio_dev *target_bar_vfio(const struct target *t);
#endif
