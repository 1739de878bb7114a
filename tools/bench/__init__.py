"""The scale benchmark (python -m metrics bench): a synthetic national data set and the timings of each way of reading it."""
