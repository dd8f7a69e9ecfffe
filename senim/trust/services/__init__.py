"""Trust use cases: surveys (surveys.py, index.py), media monitoring (media.py, workflow.py)."""
