"""Publication files made from published snapshots.

Every writer here takes plain JSON-able documents (the ones `chiso.web.public.documents`
builds from a published snapshot) and returns bytes or text; nothing here imports Django,
so the same writers run from the web app, the CLI and the tests.
"""
