"""Check-ins, intake, tapers, safety alerts, withdrawal, relapse prevention, reminders
and the toolkit."""
