// Configuration: implemented by the configuration work.
