"""Benchmark of the Zhengdun server (issue 5): see docs/benchmarks.md."""
