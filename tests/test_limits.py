"""Bad or outsized input gets one message and exit status 2 — never an internal error, a hang or
memory exhausted: one regression test per root cause."""

from __future__ import annotations

import json

import pytest

from conftest import PROBLEMS, run_cli

HUGE = "9" * 4301  # past Python's 4,300-digit limit on int(str)


def refused(*args: str, stdin: bytes = b"") -> str:
    """The message of a command that must be refused as bad input."""
    run = run_cli(*args, stdin=stdin)
    assert run.code == 2, (run.code, run.err[:500])
    assert run.out == "" and "internal error" not in run.err
    assert len(run.err) < 2000  # the offending text is cut short, never echoed whole
    return run.err


def test_a_device_or_an_endless_input_is_not_read_until_memory_runs_out() -> None:
    assert "not a regular file" in refused("shapes", "/dev/zero")
    assert "larger than 4 MiB" in refused("shapes", "-", stdin=b"dense 2\n" * 600_000)


def test_a_name_the_system_refuses_is_an_input_error_not_an_output_one() -> None:
    assert "no problem named" in refused("shapes", "a" * 300)
    run = run_cli("shapes", "lenet5-exam", "-o", "/nonexistent/folder/out.txt")
    assert run.code == 74 and "cannot write the output" in run.err


@pytest.mark.parametrize(
    "args",
    [
        ("softmax", HUGE, "1"),
        ("softmax", "1", "2", "--target", "²"),
        ("optimize", "sgd", "--grads", "1,2", "--start", "w=1", "--batch-size", "¹"),
        ("check", "lenet5-exam", "--answer", f"conv1.output={HUGE}x2"),
        ("loss", "sparse_cce", "--pred", "0.2,0.8", "--target", "١"),
    ],
    ids=["4301-digits", "superscript-target", "superscript-batch", "huge-shape", "arabic-digit"],
)
def test_numbers_are_read_by_one_reader_of_ascii_digits(args: tuple[str, ...]) -> None:
    message = refused(*args)
    assert "expected:" in message


def test_json_is_always_valid_rfc_8259_and_overflow_is_an_error() -> None:
    """f = ln x after a step to x < 0 is undefined: null in the JSON (never NaN); scores that
    differ by more than float64 holds are refused, never a log-probability of −Infinity."""
    import json

    run = run_cli(
        *("optimize", "sgd", "--function", "log(x)", "--start", "x=0.5", "--steps", "3"),
        *("--lr", "1", "-f", "json"),
    )

    def strict(constant: str) -> None:
        raise ValueError(constant)

    data = json.loads(run.out, parse_constant=strict)
    assert [step["f"] for step in data["steps"]][:2] == [None, None]
    assert "overflows a float64" in refused("softmax", "-f", "json", "--", "1e308", "-1e308")


def test_a_bare_dlcalc_is_its_help_and_success() -> None:
    run = run_cli()
    assert run.code == 0 and "Usage:" in run.out and "shapes" in run.out


def test_an_optimizers_name_is_the_optimizer_even_beside_a_file_of_that_name(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "adam").write_text("not a problem", encoding="utf-8")
    run = run_cli("optimize", "adam", "--grads", "0.2", "--start", "w=0.5", "-f", "json")
    assert run.code == 0, run.err
    assert "refused" not in run.err


def test_adaptive_pooling_finds_its_widest_window_without_a_loop() -> None:
    from dlcalc.solve.layer_rules import largest_adaptive_window

    for n in range(1, 40):
        for o in range(1, 40):
            brute = max(-(-(i + 1) * n // o) - i * n // o for i in range(o))
            assert largest_adaptive_window(n, o) == brute, (n, o)
    text = "input 2x2x1\nadaptiveavgpool 1000000000x1000000000\n"
    run = run_cli("shapes", "-", "-f", "json", stdin=text.encode())
    assert run.code == 0  # at once, not after a loop over 10^9 windows


@pytest.mark.parametrize(
    ("function", "says"),
    [
        ("9**9**9", "tower of powers"),
        ("2**2**2**2**2", "tower of powers"),
        ("x**100000", "larger than 1000"),
        ("(" * 300 + "x" + ")" * 300, "nested more than"),
        ("exp", "not an expression"),
        ("x//2", "cannot read"),
        ("π*x", "cannot read"),
    ],
)
def test_a_function_that_would_never_finish_or_cannot_be_read_is_refused(
    function: str, says: str
) -> None:
    message = refused("optimize", "sgd", "--function", function, "--start", "x=1", "--steps", "2")
    assert says in message


def _chain(depth: int) -> bytes:
    """A chain of ``depth`` sigmoid neurons after one input."""
    lines = ["inputs x=0.5", *(f"layer a{i} sigmoid" for i in range(1, depth + 1))]
    lines += [
        f"weight w{i} {'x' if i == 1 else f'a{i - 1}'} -> a{i} 0.5" for i in range(1, depth + 1)
    ]
    lines += [f"targets a{depth}=1", "loss half_sse", "rate 0.1"]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (("backprop", "classic-2-2-2", "--epochs", "273"), b"", "12,012 lines of working"),
        (("backprop", "-", "--exact"), _chain(7), "measures 30,576"),
        (("softmax", *(["1"] * 1001)), b"", "more than 1,000"),
        (("softmax", "--jacobian", *(["1"] * 101)), b"", "more than 100 with --jacobian"),
        (
            ("optimize", "adam", "--function", "x^2 + y^2", "--start", "x=1,y=1"),
            b"",
            "",
        ),
    ],
    ids=["epochs", "exact-depth", "scores", "jacobian", "ok"],
)
def test_work_is_limited_before_any_solving(args: tuple[str, ...], stdin: bytes, says: str) -> None:
    if not says:  # within the limits: solved
        assert run_cli(*args, "--steps", "400", "-f", "json").code == 0
        message = refused(*args, "--steps", "401")
        assert "802 updates to write out, more than 800" in message
        assert "3 runs" in refused(*args, "--steps", "200", "--compare")
        return
    assert says in refused(*args, stdin=stdin)


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("big.json", '{"input": [' + HUGE + ', 3], "layers": []}', "4300 digits"),
        ("big.toml", "input = [" + HUGE + ", 3]\n", "4300 digits"),
        ("end.toml", 'input = [8, 8, 3]\n[[layers]]\nkind = "conv"\nkernel = [3,', "end.toml:4"),
    ],
    ids=["json-digits", "toml-digits", "toml-end"],
)
def test_json_and_toml_errors_are_messages_with_their_line(tmp_path, name, text, says) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert says in refused("shapes", str(path))


def test_lines_are_counted_as_an_editor_counts_them(tmp_path) -> None:
    """A vertical tab, a form feed or U+2028 inside a line is not a line break."""
    path = tmp_path / "net.arch"
    path.write_text("input 8x8x1\nconv 4 3\x0b\nconv 4 3\u2028\nconv 4 99\n", encoding="utf-8")
    assert "net.arch:4:" in refused("shapes", str(path))


def test_a_message_about_an_optimizer_file_points_into_it(tmp_path) -> None:
    path = tmp_path / "bad.opt"
    path.write_text("optimizer adamm\nstart w=1\ngrads 0.1\n", encoding="utf-8")
    assert "bad.opt:1:11: unknown optimizer 'adamm'" in refused("optimize", str(path))


def test_a_calculator_problems_solving_error_names_its_line(tmp_path) -> None:
    path = tmp_path / "bce.calc"
    path.write_text(
        "# a prediction out of range\n\nloss bce --pred 2 --target 1\n", encoding="utf-8"
    )
    message = refused("check", str(path), "--answer", "L=1")
    assert "bce.calc:3:1: bce needs probabilities" in message


def test_no_minus_zero_and_no_infinite_axis() -> None:
    """−0 given is written 0; a plot around 1e308 has finite ends."""
    run = run_cli("check", "lenet5-exam", "--answer", "conv1.params=156", "--rel-tol", "-0")
    assert "tolerance of 0;" in run.out
    shapes = run_cli("shapes", "-", "-f", "plain", stdin=b"input 8x8x1\ndropout -0\n")
    assert "drops a fraction 0 of" in shapes.out
    plot = run_cli("activate", "sigmoid", "--range", "1e308:1e308:1", "--plot", "-f", "plain")
    assert plot.code == 0 and "∞" not in plot.out


@pytest.mark.parametrize(("epochs", "tried"), [(82, True), (83, False)])
def test_check_tries_the_mistakes_only_within_its_work_limit(
    tmp_path, epochs: int, tried: bool
) -> None:
    """Each of the classic network's 11 mistakes re-solves its 44 lines a pass: 82 epochs make
    39,688 lines, within the 40,000; 83 make 40,172, and the answer is marked without them."""
    network = (PROBLEMS / "backprop" / "classic-2-2-2.net").read_text(encoding="utf-8")
    path = tmp_path / "long.net"
    path.write_text(network.split("\nexpected")[0] + f"\nepochs {epochs}\n", encoding="utf-8")
    run = run_cli("check", str(path), "--answer", "w5=0.1", "-f", "json")
    assert run.code == 1
    untried = json.loads(run.out)["untried"]
    if tried:
        assert untried is None
    else:
        assert untried.startswith("the 11 known mistakes are not tried")
        assert "40,172 in all, more than 40,000" in untried
        assert "no mistake tried" in run_cli("check", str(path), "--answer", "w5=0.1").out


def test_a_value_past_float64_in_exact_decimals_is_written_not_an_error() -> None:
    """A huge rate sends the second epoch past 10^999999 (beyond Decimal's default context):
    the value is still written, as a power of ten."""
    run = run_cli("backprop", "classic-2-2-2", "--epochs", "2", "--rate", "999999999999")
    assert run.code == 0, run.err
    assert "·10^" in run.out


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("backprop", "-"), b"inputs x=1\nlayer y sigmoid\nweight nan x -> y 0.3\n"),
        (("backprop", "-"), b"inputs x=1\nlayer Inf sigmoid\nweight w x -> Inf 0.3\n"),
        (("optimize", "adam", "--grads", "0.1", "--start", "nan=1"), b""),
        (("grad", "inf*2", "--at", "inf=1"), b""),
    ],
)
def test_a_name_that_reads_as_a_number_is_refused(args: tuple[str, ...], stdin: bytes) -> None:
    """The fuzzing found a weight named nan: its working read `nan = …` as if a value were."""
    assert "reads as a number" in refused(*args, stdin=stdin)
