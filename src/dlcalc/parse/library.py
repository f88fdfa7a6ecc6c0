"""The bundled problems library: where it is, what is in it, and a problem by name."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.answers import ANSWERS_HEADINGS, parse_answers
from dlcalc.parse.lines import nearest, physical_lines
from dlcalc.parse.problem import header, statement
from dlcalc.parse.source import read_source
from dlcalc.spec.problem import KINDS

DESCRIPTION = 100
"""The longest one-line description, in characters."""


class LibraryProblem(NamedTuple):
    name: str
    """The file name without its suffix: lenet5-exam."""
    topic: str
    """The folder it is in: shapes, backprop, optimize, activations, softmax, loss."""
    path: Path

    @property
    def description(self) -> str:
        """The first sentence of the statement, on one line."""
        text = " ".join(statement(read_source(str(self.path))).split())
        first = text.split(". ")[0].rstrip(".") + "." if text else ""
        return first if len(first) <= DESCRIPTION else first[: DESCRIPTION - 1].rstrip() + "…"


def exists(path: Path) -> bool:
    """Whether ``path`` names something (False for a name the system refuses: too long)."""
    try:
        return path.exists()
    except OSError:
        return False


def library_dir() -> Path:
    """The installed library (inside the package), else the source checkout's ``problems/``."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "problems"
    return installed if installed.is_dir() else package.parents[1] / "problems"


def library() -> list[LibraryProblem]:
    """Every problem file of the library, by topic and name."""
    root = library_dir()
    found = [
        LibraryProblem(path.stem, path.relative_to(root).parts[0], path)
        for path in root.rglob("*")
        if path.is_file() and path.suffix in KINDS
    ]
    return sorted(found, key=lambda p: (p.topic, p.name))


def find_problem(name: str) -> LibraryProblem:
    """A library problem by its name (lenet5-exam) or topic/name (shapes/lenet5-exam)."""
    problems = library()
    for problem in problems:
        if name in (problem.name, f"{problem.topic}/{problem.name}", str(problem.path)):
            return problem
    match = nearest(name, [p.name for p in problems])
    raise DlcalcError(
        f"no problem named '{name}' in the library",
        location=Location("<command line>"),
        text=name,
        expected="a name that dlcalc problems lists, such as lenet5-exam",
        suggestion=f"did you mean '{match}'?" if match else "dlcalc problems lists them",
    )


COMMANDS = {"architecture": "shapes", "network": "backprop", "optimizer": "optimize"}
"""The command that solves each kind of problem (a calculator problem: ``check`` only)."""


def problem_path(argument: str, kind: str | None = None) -> str:
    """A problem file's path: ``argument`` itself if it is a file (or -), else the library
    problem of that name; ``kind``: the kind the command solves (a library problem of another
    kind is refused, with the command that solves it)."""
    path = Path(argument)
    if argument == "-" or exists(path) or path.suffix in KINDS:
        return argument
    try:
        problem = find_problem(argument)
    except DlcalcError:
        if len(path.parts) > 1 or path.suffix:  # a path, not a name: say the file is missing
            return argument
        raise
    found = KINDS[problem.path.suffix]
    if kind is not None and found != kind:
        command = COMMANDS.get(found, "check")
        raise DlcalcError(
            f"the library problem '{argument}' is {'an' if found[0] in 'ao' else 'a'} {found} "
            "problem",
            location=Location("<command line>"),
            text=argument,
            expected=f"a problem that this command solves ({kind})",
            suggestion=f"dlcalc {command} {argument}",
        )
    return str(problem.path)


def is_library_problem(name: str, kind: str) -> bool:
    """Whether ``name`` names a library problem of that kind (not a file)."""
    if exists(Path(name)):
        return False
    try:
        return KINDS[find_problem(name).path.suffix] == kind
    except DlcalcError:
        return False


class ShownProblem(NamedTuple):
    """A library problem as ``dlcalc problems show`` prints it."""

    problem: LibraryProblem
    statement: str
    remarks: str
    """The header after ``# ---``: source, published results, the notes' slips."""
    body: str
    """The problem's own lines (no comments, no answers sections)."""
    names: tuple[str, ...]
    """The names of its recorded answers."""


def show_problem(name: str) -> ShownProblem:
    """A library problem by name, read once: header, lines and the names it answers."""
    problem = find_problem(name)
    source = read_source(str(problem.path))
    statement, remarks = header(source)
    names = tuple(answer.name for answer in parse_answers(source))
    return ShownProblem(problem, statement, remarks, _body(source.text), names)


def _body(text: str) -> str:
    lines = []
    for raw in physical_lines(text):
        content = raw.split("#", 1)[0].rstrip()
        if content.strip().lower() in ANSWERS_HEADINGS:
            break
        if content.strip():
            lines.append(content)
    return "\n".join(lines)
