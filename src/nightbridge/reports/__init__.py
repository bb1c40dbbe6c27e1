"""Charts and documents made from core objects; no database access.

``reports.svg`` writes accessible SVG; ``reports.charts`` draws the diary, sleep trend,
symptom and questionnaire charts the web pages and reports share.
"""
