"""Following spaces, content and participants: model and views."""
