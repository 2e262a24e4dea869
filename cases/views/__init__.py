"""The staff UI, one module per area; every row comes through scoping, every change is role-checked."""
