"""The demo network (`manage.py seed_demo`): `catalog` holds its fixed facts, `plan` draws it
deterministically as pure data, `build` writes it through the services."""
