"""The writers' room in the browser: a FastAPI app (`create_app`) served by `writersroom serve`.

Needs the `web` extra: pip install 'writersroom[web]'. See docs/web.md.
"""
