"""Bad or outsized input gets one message and exit status 2 — never an internal error, a hang or
memory exhausted: one regression test per root cause."""

from __future__ import annotations

import pytest

from conftest import run_cli

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
