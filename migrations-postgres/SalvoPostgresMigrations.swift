// SalvoPostgresMigrations: the .sql files beside this one are embedded into the binary by the EmbedMigrations plugin.
