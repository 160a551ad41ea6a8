"""What every view says first: which environment, stack and endpoint a plan is for, and the
hidden marker by which CI finds the pull-request comment of one stack/environment."""

from __future__ import annotations

from asstctl.core.plan import Plan


def text_header(plan: Plan) -> str:
    """``Stack shop-prod (environment prod) at https://api.openai.com/v1`` and a newline; empty
    for a plan that was not read from an endpoint. Printed to stderr with the notes."""
    if plan.endpoint is None:
        return ""
    env = f" (environment {plan.environment})" if plan.environment else ""
    return f"Stack {plan.stack}{env} at {plan.endpoint}\n"


def marker(plan: Plan) -> str:
    """``<!-- asstctl stack=S env=E -->`` (E empty without an environment): one PR comment per
    stack/environment is found and updated by it."""
    return f"<!-- asstctl stack={plan.stack} env={plan.environment or ''} -->"


def markdown_title(plan: Plan) -> str:
    """The markdown view's heading, naming the environment and endpoint, with the marker."""
    env = f", environment `{plan.environment}`" if plan.environment else ""
    at = f" at `{plan.endpoint}`" if plan.endpoint else ""
    return f"### asstctl plan for stack `{plan.stack}`{env}{at} {marker(plan)}"
