/* Python binding of the quantile sketch and the durations summary:
 * svcm.Sketch and svcm.Durations are generated whole from
 * bindings/api/sketch.py; this file registers them and lends the durations
 * accumulator to the other engines. */
#include "svcmpy.h"
#include "gen_py.h"

#include "svcm/sketch.h"

const svcm_durations *svcmpy_durations_of(PyObject *module, PyObject *obj)
{
    (void)module;
    if (!svcmpy_handle_is(obj, &svcmpy_class_Durations)) {
        PyErr_Format(PyExc_TypeError, "expected svcm.Durations, not %.100s",
                     Py_TYPE(obj)->tp_name);
        return NULL;
    }
    return svcmpy_handle_ready(obj);
}

int svcmpy_init_sketch(PyObject *m)
{
    return svcmpy_add_Sketch(m, NULL, NULL) < 0 ? -1 : svcmpy_add_Durations(m, NULL, NULL);
}
