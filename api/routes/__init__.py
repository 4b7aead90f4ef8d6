"""HTTP routes, one module per resource; each route validates, calls a service, returns a schema."""
