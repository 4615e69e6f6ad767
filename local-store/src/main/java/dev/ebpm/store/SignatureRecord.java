package dev.ebpm.store;

/**
 * How an installed version was vouched for, as {@code installs} records it and {@code ebpm info} shows it.
 *
 * @param status        {@value #VERIFIED}: its signature verified against a trusted key at install;
 *                      {@value #UNSIGNED}: it had no signature; {@value #UNTRUSTED}: it had a signature that could not be
 *                      verified (unknown key, ...), and the user let it in anyway; {@value #PINNED}: a package in a
 *                      foreign format (no ebpm signature can exist) whose content the user named by digest
 *                      ({@code trustSource} is that digest)
 * @param envelopeJson  the package signature envelope, re-checked by {@code ebpm run}; null if unsigned
 * @param trustSource   the source the signer's key was trusted for (a hub name, or "*" for files/URLs); null if none
 * @param allowUnsigned the user let an unsigned or unverifiable package in (--allow-unsigned or a hub setting)
 */
public record SignatureRecord(String status, String envelopeJson, String trustSource, boolean allowUnsigned) {
    public static final String VERIFIED = "verified";
    public static final String UNSIGNED = "unsigned";
    public static final String UNTRUSTED = "untrusted";
    public static final String PINNED = "pinned";

    public static SignatureRecord verified(String envelopeJson, String trustSource) {
        return new SignatureRecord(VERIFIED, envelopeJson, trustSource, false);
    }

    public static SignatureRecord allowed(String status, String envelopeJsonOrNull, String trustSource) {
        return new SignatureRecord(status, envelopeJsonOrNull, trustSource, true);
    }

    public static SignatureRecord pinned(String digest) {
        return new SignatureRecord(PINNED, null, digest, false);
    }

    public boolean pinned() {
        return PINNED.equals(status);
    }

    public boolean verified() {
        return VERIFIED.equals(status);
    }
}
