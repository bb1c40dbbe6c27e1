"""The clinician's side: clinics (workspaces, members, invites, share code) and the
triage of the people who share with a clinician or their clinic."""
