"""/docs (Swagger UI) and /redoc (ReDoc) from the app's own static files, not a CDN: FastAPI's
defaults load them from jsDelivr, which leaves the pages blank offline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter()

VENDOR = "/static/vendor"
# Swagger UI starts from an inline script and both style inline; everything else stays on this
# origin. ReDoc's bundle shows its vendor's logo from their CDN unconditionally: img-src keeps
# that request from leaving (the bundle hides the image when it fails to load).
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'"
)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    response = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        # No badge from validator.swagger.io: the page talks to this origin only.
        swagger_ui_parameters={"validatorUrl": None},
    )
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    response = get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
