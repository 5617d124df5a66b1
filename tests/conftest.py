# Fixtures come from the beffroi.devkit.testing pytest plugin (entry point pytest11).
