"""The saved-query library (grlc-compatible `.rq` files): reading, binding and running them,
and the OpenAPI description generated from them."""
