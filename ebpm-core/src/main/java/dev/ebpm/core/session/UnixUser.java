package dev.ebpm.core.session;

/** The user this process runs as (its effective uid), which decides whose runs it may stop and what it may trust. */
public record UnixUser(int uid) {
    public static UnixUser current() {
        return new UnixUser((int) new com.sun.security.auth.module.UnixSystem().getUid());
    }

    public boolean isRoot() {
        return uid == 0;
    }
}
