"""Format readers. Importing this package registers every reader, most specific first."""
