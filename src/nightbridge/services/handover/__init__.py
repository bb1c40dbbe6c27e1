"""What leaves the store on the person's say: reports, FHIR/CSV/.ics exports, the person's CSV."""
