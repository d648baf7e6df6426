"""tuinet: watch backpropagation happen, one matrix cell at a time."""

__version__ = "0.1.0"
