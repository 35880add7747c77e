/* Python binding of the quantile sketch and the durations summary:
 * svcm.Sketch and svcm.Durations are generated whole from
 * bindings/api/sketch.py; this file registers them. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/sketch.h"

int svcmpy_init_sketch(PyObject *m)
{
    return svcmpy_add_Sketch(m, NULL, NULL) < 0 ? -1 : svcmpy_add_Durations(m, NULL, NULL);
}
