#include "sweep/plan.h"

/* Barrier none takes a single placement: the sweep skips its other barrier-every values. */
static unsigned everies_for(const struct run_options *o, unsigned barrier)
{
	return o->barriers[barrier]->id == BARRIER_NONE ? 1 : o->nevery;
}

size_t sweep_count(const struct run_options *o)
{
	size_t per_kernel = 0;
	for (unsigned b = 0; b < o->nbarriers; b++)
		per_kernel += everies_for(o, b);
	return (size_t)o->nthreads * o->nkernels * per_kernel * o->ndrains * o->nsizes;
}

void sweep_point(const struct run_options *o, size_t i, struct sweep_point *p)
{
	p->target = 0;
	p->size = (unsigned)(i % o->nsizes);
	i /= o->nsizes;
	p->drain = (unsigned)(i % o->ndrains);
	i /= o->ndrains;
	size_t per_kernel = 0;
	for (unsigned b = 0; b < o->nbarriers; b++)
		per_kernel += everies_for(o, b);
	size_t be = i % per_kernel;
	i /= per_kernel;
	for (unsigned b = 0; b < o->nbarriers; b++) {
		unsigned ne = everies_for(o, b);
		if (be < ne) {
			p->barrier = b;
			p->every = (unsigned)be;
			break;
		}
		be -= ne;
	}
	p->kernel = (unsigned)(i % o->nkernels);
	i /= o->nkernels;
	p->threads = (unsigned)i;
}
