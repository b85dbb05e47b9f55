"""The command-line face: parses input, calls library functions, renders output. No logic of its own."""
