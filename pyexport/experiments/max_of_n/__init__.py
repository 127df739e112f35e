"""The tutorial's max-of-n MLP task: training and the proof strategies on it."""
