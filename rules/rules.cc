// Rules: implemented by the rules work.
