"""Verified participants and action authorisations.

Verification methods are declared through the ``register_verification_methods`` hook
(the core's own — census, postal letter, identity document, OpenID Connect — through
``beffroi.builtins``, as a third party would); each grants an authorisation with
metadata to a participant of one organisation (``model``). Modules ask
``authorisations.authorise(request, container, action)`` before an action an admin may
have subjected to verifications.
"""
