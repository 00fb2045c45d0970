"""The command-line tools of nisim, each a module with main(argv) and cli(), the entry point
of its nisim-* command (pyproject.toml). Each checks its Python dependencies (nisim._deps.need)
before importing them. Importing this package imports nothing."""
