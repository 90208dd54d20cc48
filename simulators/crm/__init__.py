"""The simulated CRM: customers, contact points, subscriptions, devices, profiles, holds."""
