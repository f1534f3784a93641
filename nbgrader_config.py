"""Course-level nbgrader settings.

The course keeps nbgrader's conventions under names that say what they hold:
``solutions/<assignment>/`` is nbgrader's *source* (reference solutions and hidden tests)
and ``exercises/<assignment>/`` its *release* (the student versions, generated and committed).
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.course_id = "dl-keras"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Training cells take tens of seconds on a laptop CPU; nbgrader's default is 30 s.
c.Execute.timeout = 300

# A student who deletes a test cell, or strips its metadata, gets it back (and its points
# are decided by running it) instead of leaving the notebook "needs manual grading".
c.OverwriteCells.add_missing_cells = True

# nbgrader scores any stderr output in a test cell as a failure. TensorFlow's start-up lines
# go to stderr; they must never turn a correct answer into zero.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"absl::InitializeLog|oneDNN custom operations|cpu_feature_guard\.cc"
    r"|TF_ENABLE_ONEDNN_OPTS|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|computation placer already registered|external/local_xla"
)

