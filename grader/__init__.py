"""The instructor's side of the course: releasing exercises and grading submissions.

Student code never needs this package. Modules:

- :mod:`grader.course`: drive real ``nbgrader`` commands in a course folder (generate the
  student versions, autograde, read scores back from the gradebook).
"""
