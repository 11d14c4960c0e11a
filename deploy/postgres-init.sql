-- First start of the compose PostgreSQL: customer_support gets its own database.
CREATE DATABASE support;
