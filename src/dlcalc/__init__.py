"""dlcalc: a calculator and exam-problem solver for deep learning."""

__version__ = "0.1.0"
