"""The web plumbing every app's pages and API share (the lowest app holds it, so that `config` only assembles):
API defaults (pagination, strict bodies, throttles, filters), the input rules, the client's address, formula-safe
spreadsheets, the OpenAPI helpers, the JSON parser, and the shared refusals (400 for hostile input, 429)."""
