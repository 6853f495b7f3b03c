"""Zhengdun (整顿): GraphQL back end for the League's branch rectification campaign."""
