"""Page layouts (functions, no I/O) and figure builders."""
