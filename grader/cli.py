"""The ``grader`` command: autograde, feedback, export and collect-zip for a course folder.

Run ``grader --help`` or ``grader COMMAND --help``; ``python -m grader`` is the same.
"""

import argparse
import sys
from pathlib import Path

from grader.sandbox import REPO, Limits, bubblewrap


def _course(args):
    from grader.pipeline import Course

    return Course(args.course_dir)


def cmd_autograde(args):
    from grader.pipeline import autograde
    from grader.sanitize import safe_text

    if args.scheduler is None and not bubblewrap():
        print("warning: bubblewrap (bwrap) is not installed: grading with limits but without a"
              " sandbox; student code can read what this user can", file=sys.stderr)
    tls = (args.tls_ca, args.tls_cert, args.tls_key)
    if any(tls) and not all(tls):
        sys.exit("grader: --tls-ca, --tls-cert and --tls-key go together")
    limits = Limits(cell_seconds=args.cell_timeout, notebook_seconds=args.timeout,
                    memory_mb=args.memory, disk_mb=args.disk, cpus=args.cpus)
    done = autograde(_course(args), args.assignments, workers=args.workers, force=args.force,
                     limits=limits, scheduler=args.scheduler, tls=tls if all(tls) else None,
                     allow_unsandboxed=args.allow_unsandboxed)
    for assignment in args.assignments:
        records = {s: r for (a, s), r in done.items() if a == assignment}
        failed = {s: r["status"] for s, r in records.items() if r["status"] != "graded"}
        print(f"graded {len(records)} submission(s) of {assignment}"
              + (f"; {len(failed)} with problems:" if failed else ""))
        for student, status in sorted(failed.items()):
            print(f"  {safe_text(student, 100)}: {safe_text(status, 300)}")
    if done.not_graded:
        print(f"not graded: {len(done.not_graded)} submission(s), for reasons of the grading"
              " machine (no record was written; run the command again to grade them):")
        for (assignment, student), reason in sorted(done.not_graded.items()):
            print(f"  {assignment} {safe_text(student, 100)}: {safe_text(reason, 300)}")
        sys.exit(1)


def cmd_feedback(args):
    from grader.reports import write_feedback

    pages, problems = write_feedback(_course(args), args.assignment)
    print(f"wrote {len(pages)} feedback page(s) under feedback/*/{args.assignment}/"
          + (f"; {len(problems)} submission(s) without one:" if problems else ""))
    for student, problem in problems:
        print(f"  {student}: {problem}")


def cmd_export(args):
    from grader.reports import export_csv

    course = _course(args)
    try:
        print(f"wrote {export_csv(course, args.to)}")
    except OSError as error:  # --to is a folder, or in one that cannot be written
        sys.exit(f"grader: could not write the grades: {error}")


def cmd_collect_zip(args):
    from grader.collect import DEFAULT_PATTERN, collect_zip

    imported, unmatched = collect_zip(_course(args), args.assignment, args.archive,
                                      args.pattern or DEFAULT_PATTERN, replace=args.replace)
    print(f"imported {len(imported)} notebook(s) into submitted/*/{args.assignment}/")
    for member, reason in unmatched:
        print(f"  not imported: {member} ({reason})")
    if unmatched:
        sys.exit(1)


def parser():
    main = argparse.ArgumentParser(prog="grader", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True)

    def command(name, function, help):
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--course-dir", type=Path, default=REPO,
                         help="the course folder (default: the repository root)")
        sub.set_defaults(function=function)
        return sub

    grade = command("autograde", cmd_autograde,
                    "grade every submission of one or more assignments (in one pool of workers)")
    grade.add_argument("assignments", nargs="+", metavar="assignment")
    grade.add_argument("--workers", type=int, default=None,
                       help="submissions graded at once (default: the number of CPUs)")
    grade.add_argument("--force", action="store_true", help="regrade what was already graded")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="grade on a Dask cluster: its scheduler's address (tls://HOST:PORT;"
                            " tcp:// only on this machine), its scheduler file, or local:N"
                            " for N worker processes here (see the instructors' guide)")
    for option, what in (("--tls-ca", "the CA certificate"), ("--tls-cert", "this client's"
                         " certificate"), ("--tls-key", "this client's private key")):
        grade.add_argument(option, type=Path, default=None,
                           help=f"{what} for a tls:// scheduler (default: Dask's"
                                " distributed.comm.tls configuration)")
    grade.add_argument("--allow-unsandboxed", action="store_true",
                       help="let Dask workers without bubblewrap grade (student code then"
                            " reads what the worker's user can)")
    defaults = Limits()
    grade.add_argument("--timeout", type=int, default=defaults.notebook_seconds,
                       help="seconds per submission (default %(default)s)")
    grade.add_argument("--cell-timeout", type=int, default=defaults.cell_seconds,
                       help="seconds per cell (default %(default)s)")
    grade.add_argument("--memory", type=int, default=defaults.memory_mb,
                       help="MB of memory per submission (default %(default)s)")
    grade.add_argument("--disk", type=int, default=defaults.disk_mb,
                       help="MB of disk per submission's work folder (default %(default)s)")
    grade.add_argument("--cpus", type=float, default=defaults.cpus,
                       help="CPU cores per submission (default: an equal share of the machine)")

    feedback = command("feedback", cmd_feedback, "write per-student feedback pages (HTML)")
    feedback.add_argument("assignment")

    export = command("export", cmd_export, "write the grades of all submissions as CSV")
    export.add_argument("--to", type=Path, default=None,
                        help="the CSV file (default: COURSE_DIR/grades.csv)")

    collect = command("collect-zip", cmd_collect_zip,
                      "import an LMS download (a zip of notebooks named by student)")
    collect.add_argument("assignment")
    collect.add_argument("archive", type=Path)
    collect.add_argument("--pattern", default=None,
                         help="regular expression with a 'student' group matched on file names")
    collect.add_argument("--replace", action="store_true",
                         help="overwrite a different notebook already in submitted/")
    return main


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        args.function(args)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        sys.exit(f"grader: {error}")
