"""The clinician's side: triage of the people who share with them."""
