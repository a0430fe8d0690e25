"""Prefect flows, one module per flow, each a thin shell over ``office``'s use cases."""
