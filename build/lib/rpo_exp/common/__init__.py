"""What every room may use: errors, paths, the shared cache, file and hub helpers, the CLI entry."""
