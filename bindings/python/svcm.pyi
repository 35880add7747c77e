# Type stubs for the svcm extension module.
