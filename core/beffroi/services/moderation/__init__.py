"""Reports, hiding and restoring content: model and views."""
