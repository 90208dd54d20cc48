-- The workers create their own schema (one per service) and tables at start-up.
-- This database is the one DSR_DATABASE_URL points at in docker-compose.
CREATE DATABASE dsr;
