"""Exports: Nightbridge data in other formats (FHIR R4, CSV, iCalendar). Pure: core values
in, text out; services.handover.exports gathers from the store and writes the files."""
