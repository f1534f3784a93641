"""Alternative correct answers per assignment: ``ALTERNATIVES``, a list of ``{grade_id:
source}`` sets swapped into the reference; each set must score full marks and pass every
visible check."""
