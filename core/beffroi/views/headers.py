"""Security headers on every response."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers_tween_factory(handler, registry):
    def tween(request):
        response = handler(request)
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        if request.scheme == "https":
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
    return tween
