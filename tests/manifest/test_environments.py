"""Environments, ``${var.NAME}`` and ``required_version`` in asstctl.yaml, through load_project."""

from __future__ import annotations

from pathlib import Path

import pytest

from asstctl import __version__
from asstctl.errors import ManifestError
from asstctl.manifest import load_project
from asstctl.selection import environment_chosen

CONFIG = """\
stack: shop
vars: {model: gpt-4o-mini, temp: 0.5, label: Shop}
environments:
  staging: {stack: shop-staging}
  prod:
    stack: shop-prod
    endpoint: {base_url: 'https://api.example.com/v1'}
    vars: {model: gpt-4o, label: Shop prod}
"""
BOT = """\
kind: Assistant
name: bot
model: ${var.model}
temperature: ${var.temp}
instructions: 'You answer for ${var.label}; write $${var.label} literally, and ${other} stays.'
"""


def _project(root: Path, bot: str = BOT, config: str = CONFIG) -> Path:
    (root / "asstctl.yaml").write_text(config, encoding="utf-8")
    (root / "assistants").mkdir(exist_ok=True)
    (root / "assistants" / "bot.yaml").write_text(bot, encoding="utf-8")
    return root


def _errors(root: Path, env: str | None = None) -> list[str]:
    with pytest.raises(ManifestError) as info:
        load_project(root, env)
    return [str(d) for d in info.value.diagnostics]


def test_each_environment_is_its_own_stack_with_its_own_values(tmp_path: Path) -> None:
    _project(tmp_path)
    default, staging, prod = (load_project(tmp_path, env) for env in (None, "staging", "prod"))
    assert [(p.stack, p.environment, p.base_url) for p in (default, staging, prod)] == [
        ("shop", None, None),
        ("shop-staging", "staging", None),
        ("shop-prod", "prod", "https://api.example.com/v1"),
    ]
    assert [p.assistants[0].model for p in (default, staging, prod)] == [
        "gpt-4o-mini",
        "gpt-4o-mini",
        "gpt-4o",
    ]
    assert prod.assistants[0].temperature == 0.5  # a whole value keeps its type
    assert prod.assistants[0].instructions == (
        "You answer for Shop prod; write ${var.label} literally, and ${other} stays."
    )
    assert len({default.fingerprint, staging.fingerprint, prod.fingerprint}) == 3


def test_the_chosen_environment_comes_from_the_cli_or_asstctl_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    monkeypatch.setenv("ASSTCTL_ENV", "staging")
    assert load_project(tmp_path).stack == "shop-staging"
    with environment_chosen("prod"):
        assert load_project(tmp_path).stack == "shop-prod"
    assert load_project(tmp_path, "prod").stack == "shop-prod"


def test_undefined_and_misused_variables_are_located(tmp_path: Path) -> None:
    bot = (
        BOT.replace("${var.temp}", "${var.tmp}")
        + "description: 'v${var.tools}'\nmetadata: {a: '${var.bad name}'}\n"
    )
    _project(tmp_path, bot, CONFIG.replace("label: Shop}", "label: Shop, tools: [a]}"))
    assert _errors(tmp_path) == [
        "assistants/bot.yaml:4:14: temperature: the variable 'tmp' is not defined for the default (no -e); "
        "did you mean 'temp'?",
        "assistants/bot.yaml:6:14: description: ${var.tools} is a list (set at asstctl.yaml:2:59) and cannot "
        "be put inside text; use it as the whole value, or give it a string, number or boolean",
        "assistants/bot.yaml:7:15: metadata.a: '${var.bad name}' is not a variable reference; "
        "write ${var.NAME}",
    ]


def test_a_wrong_type_names_the_variable_it_came_from(tmp_path: Path) -> None:
    _project(tmp_path, config=CONFIG.replace("label: Shop prod}", "label: Shop prod, temp: hot}"))
    assert _errors(tmp_path, "prod") == [
        "assistants/bot.yaml:4:14: temperature: expected a number, got the string 'hot' "
        "(the value comes from ${var.temp} set at asstctl.yaml:8:51)"
    ]
    assert load_project(tmp_path, "staging").assistants[0].temperature == 0.5


def test_a_variable_only_some_environments_define(tmp_path: Path) -> None:
    _project(tmp_path, config=CONFIG.replace("vars: {model: gpt-4o-mini, ", "vars: {"))
    (error,) = _errors(tmp_path)
    assert "the variable 'model' is not defined for the default (no -e); it is defined only in " in error
    assert "environment prod: choose one with -e NAME" in error


def test_no_variable_holds_a_secret(tmp_path: Path) -> None:
    config = (
        "stack: s\nvars: {api_key: x, model: m}\nenvironments:\n"
        "  p: {stack: p, vars: {token: 'sk-abcdefghijklmnopqrstu'}}\n"
    )
    _project(tmp_path, "kind: Assistant\nname: bot\nmodel: ${var.model}\n", config)
    errors = _errors(tmp_path)
    assert len(errors) == 2
    assert errors[0].startswith(
        "asstctl.yaml:2:8: vars.api_key: the variable name 'api_key' looks like a secret;"
    )
    assert "no variable ever holds a secret" in errors[0] and "OPENAI_API_KEY" in errors[0]
    assert errors[1].startswith("asstctl.yaml:4:24: environments.p.vars.token: the variable name 'token'")


def test_unknown_environment_and_shared_stacks(tmp_path: Path) -> None:
    _project(tmp_path)
    assert _errors(tmp_path, "prdo") == [
        "asstctl.yaml:3:1: environments: -e prdo (or ASSTCTL_ENV=prdo): no environment is named 'prdo' "
        "(declared: prod, staging); did you mean 'prod'?"
    ]
    _project(tmp_path, config=CONFIG.replace("stack: shop-prod", "stack: shop-staging"))
    (error,) = _errors(tmp_path, "staging")
    assert error.startswith("asstctl.yaml:6:12: environments.prod.stack: environment 'staging' already uses")
    _project(tmp_path, config="stack: s\n")
    (error,) = _errors(tmp_path, "prod")
    assert "this project declares none" in error


def test_environment_fields_are_checked_by_the_schema(tmp_path: Path) -> None:
    config = (
        "stack: s\nenvironments:\n  Prod: {stack: p}\n"
        "  qa: {stack: Q, endpoint: {base_url: ftp://x}, vars: 1, x: 2}\n"
    )
    _project(tmp_path, "kind: Assistant\nname: bot\nmodel: m\n", config)
    errors = "\n".join(_errors(tmp_path))
    assert "environments.Prod: the key 'Prod' is not allowed" in errors
    assert "environments.qa.stack: the string 'Q' is not allowed" in errors
    assert "environments.qa.endpoint.base_url: the string 'ftp://x' is not allowed" in errors
    assert "environments.qa.vars: expected a mapping, got the number 1" in errors
    assert "environments.qa.x: unknown field 'x'" in errors


def test_required_version_is_checked_before_anything_else(tmp_path: Path) -> None:
    _project(tmp_path, config="stack: S\nrequired_version: '>=99'\nnew_setting_of_v99: true\n")
    assert _errors(tmp_path) == [
        f"asstctl.yaml:2:19: required_version: this project requires asstctl >=99, but this is asstctl "
        f"{__version__}; install a matching version (pip install 'asstctl>=99')"
    ]
    _project(tmp_path, config="stack: s\nrequired_version: 'one or two'\n")
    assert _errors(tmp_path) == [
        "asstctl.yaml:2:19: required_version: 'one or two' is not a version specifier; "
        "write one such as '>=0.1,<1' (PEP 440)"
    ]
    _project(tmp_path, BOT, CONFIG + f"required_version: '=={__version__}'\n")
    assert load_project(tmp_path).stack == "shop"
