"""Services of the sla app: calendars and policy versions."""
