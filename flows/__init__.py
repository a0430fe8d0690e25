"""Prefect flows, one file per flow, over plain functions of registry, generators and archive.

Importing this package imports no Prefect: `flows.runtime` serves simple commands too.
"""
