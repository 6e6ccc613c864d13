"""The database layer: schema, engine, migrations and every query the project runs."""
