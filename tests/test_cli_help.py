"""Every command's ``--help`` describes every option and ends with examples; shell completion
(click's, documented in the README) answers."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from conftest import REPO, run_cli

from asstctl.main import cli

COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_described(name: str) -> None:
    command = cli.commands[name]
    assert command.help, f"{name} has no description"
    missing = [p.opts[0] for p in command.params if isinstance(p, click.Option) and not p.help]
    assert not missing, f"asstctl {name}: options without a help text: {missing}"


@pytest.mark.parametrize("name", COMMANDS)
def test_help_ends_with_examples(name: str) -> None:
    result = run_cli(name, "--help")
    assert result.exit_code == 0, result.output
    examples = result.stdout.split("Examples:\n", 1)
    assert len(examples) == 2, f"asstctl {name} --help has no examples (add them to asstctl/cli_examples.py)"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith(("asstctl ", "OPENAI_", "ASSISTANT_")) for line in lines), lines


def test_the_group_options_are_described() -> None:
    assert all(p.help for p in cli.params if isinstance(p, click.Option) and p.name != "version")


def test_shell_completion_answers() -> None:
    env = {**os.environ, "_ASSTCTL_COMPLETE": "bash_complete", "COMP_WORDS": "asstctl pla", "COMP_CWORD": "1"}
    code = "from asstctl.main import entrypoint; entrypoint()"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
    assert "plain,plan" in done.stdout.split(), done.stdout + done.stderr
