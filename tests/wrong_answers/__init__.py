"""Plausible wrong answers, one module per assignment, named after it.

Each module defines ``ANSWERS`` (grade_id -> the source a student would write; every other
answer is the reference) and ``EXPECTED`` (test grade_id -> the points it must get).
"""
