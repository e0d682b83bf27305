"""The workshop slides: their Markdown source, the code they show, and the build."""
