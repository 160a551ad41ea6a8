"""CI helpers used by the packaged GitHub Action (``action.yml``); stdlib only."""
