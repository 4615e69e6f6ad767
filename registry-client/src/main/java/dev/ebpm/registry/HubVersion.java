package dev.ebpm.registry;

import dev.ebpm.pkg.PackageKind;
import dev.ebpm.pkg.PackageManifest;
import dev.ebpm.pkg.Version;

/**
 * One version as a hub's index lists it: archive digest and size, kind, entry file, kernel needs, yanked flag and
 * package signature (the envelope's JSON; null if the hub serves none). A registry hub lists versions from tags: their
 * digest ({@code sha256}), {@code kind} and {@code entry} are null and {@code size} -1 until the tag is fetched.
 */
public record HubVersion(Version version, String sha256, long size, PackageKind kind, String entry,
                         PackageManifest.Requires requires, boolean yanked, String signature) {
}
