"""The obligations calendar (B2 §2.1, TP §2.1.2-2.1.3, §3): derived due dates, fulfilment, reminders and digests."""
