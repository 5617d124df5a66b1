"""Comments on any commentable content: model and views."""
