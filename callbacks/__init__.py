"""Thin callback wiring: parse inputs, call board/, return components and figures."""
