/* Python binding of the core: the tier names and constants. The statistics
 * functions, wilson, tier_name, tier_parse and svcm.Moments are generated
 * from bindings/api/core.py. */
#include "svcmpy.h"
#include "gen_py.h"

int svcmpy_init_core(PyObject *m)
{
    if (svcmpy_add_Moments(m, NULL, NULL) < 0)
        return -1;
    PyObject *names = PyTuple_New(SVCM_TIER_COUNT);
    if (names == NULL)
        return -1;
    for (int i = 0; i < SVCM_TIER_COUNT; i++) {
        PyObject *s = PyUnicode_FromString(svcm_tier_name(i));
        if (s == NULL) {
            Py_DECREF(names);
            return -1;
        }
        PyTuple_SET_ITEM(names, i, s);
    }
    if (PyModule_AddObject(m, "TIER_NAMES", names) < 0) {
        Py_DECREF(names);
        return -1;
    }
    static const char *const consts[SVCM_TIER_COUNT] = {"TIER_VIP", "TIER_KEY", "TIER_REGULAR",
                                                        "TIER_POTENTIAL", "TIER_LOST"};
    for (int i = 0; i < SVCM_TIER_COUNT; i++)
        if (PyModule_AddIntConstant(m, consts[i], i) < 0)
            return -1;
    return 0;
}
