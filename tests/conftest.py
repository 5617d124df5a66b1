# Fixtures come from the beffroi.testing pytest plugin (entry point pytest11).
