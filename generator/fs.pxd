# Compile-time declarations for the compiled core (setup.py); Python never reads this file.
# Dir and FileSystem become C types with the same attributes as their __slots__ (a test checks), so the
# compiled file system reads its own fields directly instead of through Python attribute lookups.

cdef class Dir:
    cdef public object name, parent, _children, _pending

cdef class FileSystem:
    cdef public object root, cwd, _here, _path
