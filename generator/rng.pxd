# Compile-time declarations for the compiled core (setup.py); Python never reads this file.
# Rand becomes a C type with the same attributes as its __slots__ (a test checks).

cdef class Rand:
    cdef public object _mt, random
