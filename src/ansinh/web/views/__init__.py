"""Thin views: parse input with a form, check permission and scope, call one query or action, render."""
