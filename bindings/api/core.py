# The description of svcm's binding surface, core part: status codes and
# their exception classes (bindings/gen/svcmgen.py; HACKING.md, "Bindings:
# the description"). Lua gets the codes from svcm/common.h's SVCM_ERRORS.
include("svcm.h")

# status(code, Python class, builtin base or None, doc)
status("EINVAL", "InvalidInput", "ValueError",
       "Bad input: a value out of its domain, NaN, a wrong size (SVCM_EINVAL).")
status("ENOMEM", "OutOfMemory", "MemoryError",
       "The C library could not allocate memory (SVCM_ENOMEM).")
status("ERANGE", "OutOfRange", "ValueError",
       "A result or argument outside its representable range (SVCM_ERANGE).")
status("ESTATE", "StateError", "RuntimeError",
       "The operation is not allowed in the object's current state (SVCM_ESTATE).")
status("EFORMAT", "FormatError", "ValueError", "Malformed saved bytes or text (SVCM_EFORMAT).")
status("EEMPTY", "EmptyError", "ValueError", "No data to compute from (SVCM_EEMPTY).")
status("ENOTFOUND", "NotFound", "LookupError", "No such item (SVCM_ENOTFOUND).")
status("EMISMATCH", "Mismatch", "ValueError", "Objects with incompatible settings (SVCM_EMISMATCH).")
status("ENOCONV", "NoConvergence", "ArithmeticError",
       "An iterative fit did not converge (SVCM_ENOCONV).")
status("ENOSPC", "BufferTooSmall", None, "An output buffer is too small (SVCM_ENOSPC).")
status("EEXIST", "AlreadyExists", "ValueError",
       "An item with that key already exists (SVCM_EEXIST).")
status("EIO", "InputOutputError", "OSError", "Reading or writing failed (SVCM_EIO).")
