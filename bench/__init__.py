"""Benchmarks: a corpus scaler (bench.scale) and a runner (bench.run, `make bench`)."""
