"""Notification: tell the customer, in French, by SMS and letter (rulebook §8)."""
