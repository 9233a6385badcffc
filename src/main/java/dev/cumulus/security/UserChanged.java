package dev.cumulus.security;

/** A user's password or roles were changed through Cumulus: credentials verified before no longer count. */
public record UserChanged(String userId) {}
