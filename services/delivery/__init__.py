"""Delivery: notices leave for the customer (SMS over SMPP, e-mail over SMTP, letters to the
print room), carried by dramatiq tasks the notification worker enqueues through its outbox."""
