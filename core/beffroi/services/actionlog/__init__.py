"""The action log of administrators' and moderators' acts."""
