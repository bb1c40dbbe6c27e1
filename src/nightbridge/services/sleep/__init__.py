"""The sleep diary, the CBT-I window, the person's profile, hygiene nudges and the
Today/Trends views."""
