/* Python binding of the call-log accumulator: svcm.Calls, generated whole
 * from bindings/api/calls.py; this file registers it. */
#include "svcmpy.h"
#include "gen_py.h"

int svcmpy_init_calls(PyObject *module);

int svcmpy_init_calls(PyObject *m) { return svcmpy_add_Calls(m, NULL, NULL); }
