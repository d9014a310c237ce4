"""Programs that run inside the code sandbox (read as text and passed to the interpreter, never imported)."""
