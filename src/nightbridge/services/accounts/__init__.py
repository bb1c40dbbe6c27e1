"""Accounts, logins, sharing and notes: who may see whom."""
